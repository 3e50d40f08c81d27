using DumpScope.Host.Arch;
using DumpScope.Host.Arch.X86_64;

namespace DumpScope.Host.Tests.Arch;

/// <summary>
/// Builds x86-64 page tables in a <see cref="SyntheticPhysicalMemory"/>, the way the kernel lays them out:
/// table pages allocated from a pool of physical frames, entries with PRESENT|RW (and PSE for large pages).
/// </summary>
internal sealed class PageTableBuilder
{
    private const ulong TableFlags = PageTableFlags.Present | PageTableFlags.ReadWrite | PageTableFlags.Accessed;

    private readonly SyntheticPhysicalMemory _memory;
    private readonly int _levels;
    private ulong _nextTableFrame;

    public PageTableBuilder(SyntheticPhysicalMemory memory, bool fiveLevel, ulong firstTableFrame)
    {
        _memory = memory;
        _levels = fiveLevel ? 5 : 4;
        _nextTableFrame = firstTableFrame;
        Root = AllocateTable();
    }

    public ulong Root { get; }

    /// <summary>Maps one page of <paramref name="pageSize"/> (4 KiB, 2 MiB or 1 GiB) at <paramref name="virtualAddress"/>.</summary>
    public void Map(ulong virtualAddress, ulong physicalAddress, ulong pageSize, ulong extraFlags = PageTableFlags.Global)
    {
        int leafLevel = pageSize switch
        {
            4096 => _levels - 1,
            2UL << 20 => _levels - 2,
            1UL << 30 => _levels - 3,
            _ => throw new ArgumentOutOfRangeException(nameof(pageSize)),
        };
        ulong table = Root;
        for (int level = 0; level < leafLevel; level++)
        {
            ulong entryAddress = EntryAddress(table, virtualAddress, level);
            ulong entry = Read(entryAddress);
            if ((entry & PageTableFlags.Present) == 0)
            {
                entry = AllocateTable() | TableFlags;
                _memory.WriteU64(entryAddress, entry);
            }
            table = entry & PageTableFlags.AddressMask4K;
        }
        ulong leaf = physicalAddress | TableFlags | PageTableFlags.Dirty | extraFlags | (pageSize > 4096 ? PageTableFlags.PageSizeExtension : 0);
        _memory.WriteU64(EntryAddress(table, virtualAddress, leafLevel), leaf);
    }

    /// <summary>Maps a range with pages of one size.</summary>
    public void MapRange(ulong virtualAddress, ulong physicalAddress, ulong length, ulong pageSize)
    {
        for (ulong off = 0; off < length; off += pageSize) Map(virtualAddress + off, physicalAddress + off, pageSize);
    }

    /// <summary>Writes a raw entry at the level that maps a 4 KiB page (tables created as needed).</summary>
    public void SetPte(ulong virtualAddress, ulong rawEntry)
    {
        Map(virtualAddress, 0, 4096);
        ulong table = Root;
        for (int level = 0; level < _levels - 1; level++)
            table = Read(EntryAddress(table, virtualAddress, level)) & PageTableFlags.AddressMask4K;
        _memory.WriteU64(EntryAddress(table, virtualAddress, _levels - 1), rawEntry);
    }

    /// <summary>Writes a raw entry at the top level.</summary>
    public void SetTopEntry(ulong virtualAddress, ulong rawEntry) => _memory.WriteU64(EntryAddress(Root, virtualAddress, 0), rawEntry);

    public ulong EntryAddress(ulong table, ulong virtualAddress, int level)
    {
        int shift = 12 + 9 * (_levels - 1 - level);
        return table + ((virtualAddress >> shift) & 511) * 8;
    }

    private ulong AllocateTable()
    {
        ulong frame = _nextTableFrame++;
        _memory.Page(frame);
        return frame * 4096;
    }

    private ulong Read(ulong physical)
    {
        Span<byte> b = stackalloc byte[8];
        _memory.ReadPhysical(physical, b);
        return BitConverter.ToUInt64(b);
    }
}
