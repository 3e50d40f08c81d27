namespace DumpScope.Testing.DumpWriters;

/// <summary>
/// Builds arm64 (VMSAv8-64 stage-1, TTBR1) kernel page tables the way the kernel lays them out, written from
/// the architecture's descriptor formats and independent of the host's walker: any granule (4K, 16K, 64K),
/// 36- to 52-bit virtual addresses (2 to 5 levels), table, block and page descriptors, contiguous runs, and
/// 52-bit output addresses (64K: PA bits 51:48 in descriptor bits 15:12; LPA2: PA bits 51:50 in bits 9:8).
/// Table pages are allocated from <see cref="FirstTableAddress"/> upwards and kept in <see cref="Tables"/>.
/// </summary>
public sealed class Arm64PageTables
{
    /// <summary>Attribute bits of a normal kernel mapping: AF, inner shareable (unless LPA2), AttrIndx 0, PXN/UXN off.</summary>
    public const ulong KernelAttributes = 1UL << 10;

    private readonly int _pageShift;
    private ulong _nextTable;

    /// <summary>Creates empty tables whose root lives at <paramref name="firstTableAddress"/>.</summary>
    public Arm64PageTables(int pageSize, int vaBits, bool lpa2, ulong firstTableAddress)
    {
        PageSize = pageSize;
        _pageShift = System.Numerics.BitOperations.Log2((uint)pageSize);
        VaBits = vaBits;
        Lpa2 = lpa2;
        Levels = (vaBits - 4) / (_pageShift - 3);
        FirstTableAddress = firstTableAddress;
        _nextTable = firstTableAddress;
        Root = NewTable();
    }

    /// <summary>The granule.</summary>
    public int PageSize { get; }

    /// <summary>Virtual-address bits.</summary>
    public int VaBits { get; }

    /// <summary>FEAT_LPA2 descriptor format.</summary>
    public bool Lpa2 { get; }

    /// <summary>Translation levels (2 to 5).</summary>
    public int Levels { get; }

    /// <summary>Physical address of the first table page.</summary>
    public ulong FirstTableAddress { get; }

    /// <summary>Physical address of the root (swapper_pg_dir).</summary>
    public ulong Root { get; }

    /// <summary>The table pages by physical address.</summary>
    public SortedDictionary<ulong, byte[]> Tables { get; } = new();

    /// <summary>One past the last table page.</summary>
    public ulong TablesEnd => _nextTable;

    /// <summary>The number of bits an entry at <paramref name="level"/> maps (ARM64_HW_PGTABLE_LEVEL_SHIFT).</summary>
    public int Shift(int level) => (_pageShift - 3) * (4 - level) + 3;

    /// <summary>The descriptor's output-address field for a physical address (table, block or page).</summary>
    public ulong EncodeAddress(ulong physical)
    {
        if (_pageShift == 16) return (physical & 0x0000_ffff_ffff_0000UL) | (((physical >> 48) & 0xf) << 12);
        if (Lpa2) return (physical & 0x0003_ffff_ffff_f000UL & ~((1UL << _pageShift) - 1)) | (((physical >> 50) & 0x3) << 8);
        return physical & 0x0000_ffff_ffff_f000UL & ~((1UL << _pageShift) - 1);
    }

    /// <summary>
    /// Maps <paramref name="virtualAddress"/> to <paramref name="physical"/> with a page (level 3) or a block at
    /// <paramref name="level"/> (creating the tables above it), with <paramref name="attributes"/> and, when asked,
    /// the contiguous bit.
    /// </summary>
    public void Map(ulong virtualAddress, ulong physical, int level = 3, bool contiguous = false, ulong attributes = KernelAttributes)
    {
        ulong type = level == 3 ? 0b11UL : 0b01UL;
        ulong shareable = Lpa2 ? 0 : 3UL << 8;
        SetEntry(virtualAddress, level, EncodeAddress(physical) | attributes | shareable | type | (contiguous ? 1UL << 52 : 0));
    }

    /// <summary>Writes a raw descriptor at <paramref name="level"/> for <paramref name="virtualAddress"/> (garbage tests).</summary>
    public void SetEntry(ulong virtualAddress, int level, ulong entry)
    {
        ulong table = Root;
        for (int l = 4 - Levels; ; l++)
        {
            int shift = Shift(l);
            int bits = l == 4 - Levels ? VaBits - shift : _pageShift - 3;
            int index = (int)((virtualAddress >> shift) & ((1UL << bits) - 1));
            var page = Tables[table];
            if (l == level)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(page.AsSpan(index * 8), entry);
                return;
            }
            ulong next = BinaryPrimitives.ReadUInt64LittleEndian(page.AsSpan(index * 8));
            if ((next & 3) != 3)
            {
                ulong created = NewTable();
                next = EncodeAddress(created) | 0b11;
                BinaryPrimitives.WriteUInt64LittleEndian(page.AsSpan(index * 8), next);
                table = created;
                continue;
            }
            table = Decode(next);
        }
    }

    private ulong Decode(ulong entry)
    {
        if (_pageShift == 16) return (entry & 0x0000_ffff_ffff_0000UL) | (((entry >> 12) & 0xf) << 48);
        if (Lpa2) return (entry & 0x0003_ffff_ffff_f000UL & ~((1UL << _pageShift) - 1)) | (((entry >> 8) & 0x3) << 50);
        return entry & 0x0000_ffff_ffff_f000UL & ~((1UL << _pageShift) - 1);
    }

    private ulong NewTable()
    {
        ulong at = _nextTable;
        Tables[at] = new byte[PageSize];
        _nextTable += (ulong)PageSize;
        return at;
    }
}
