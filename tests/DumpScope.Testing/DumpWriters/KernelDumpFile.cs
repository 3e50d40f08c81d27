using DumpScope.Host.Arch.X86_64;
using DumpScope.Testing.Kernels;

namespace DumpScope.Testing.DumpWriters;

/// <summary>
/// Writes a <see cref="SyntheticKernel"/> as a kdump-compressed file the host opens like a real one, with a
/// System.map and a BTF file beside it (<c>dumpscope DUMP --system-map MAP --btf BTF</c>). The kernel's placed
/// pages become physical frames: direct-map addresses at their direct-map frame, kernel-image addresses by the
/// kernel-image rule (phys_base 0), anything else (vmemmap, per-cpu areas) at a frame of its own behind both and
/// behind max_pfn, mapped by 4 KiB page-table entries. The page tables (4 levels, the direct map as 1 GiB pages) live in frames
/// 0x100–0x3ff, so init_top_pgt is a kernel-image address as VMCOREINFO requires. Frames not placed are
/// excluded, as makedumpfile -d 31 leaves zero and free pages out.
/// </summary>
public static class KernelDumpFile
{
    private const ulong StartKernelMap = 0xffffffff80000000UL;
    private const ulong KernelImageSize = 1UL << 30;
    private const ulong DirectMapSize = 64UL << 40;
    private const ulong FirstTableFrame = 0x100, EndTableFrame = 0x400;
    private const ulong TableFlags = PageTableFlags.Present | PageTableFlags.ReadWrite | PageTableFlags.Accessed;

    /// <summary>What was written.</summary>
    public sealed record Written(string Dump, string SystemMap, string Btf, ulong MaxPfn, int DumpedPages);

    /// <summary>
    /// Writes <paramref name="kernel"/> to <paramref name="dumpPath"/> (zlib pages), its symbols to
    /// <c>DUMP.System.map</c> and <paramref name="btf"/> to <c>DUMP.btf</c>. <paramref name="maxPfn"/> (at least
    /// past every placed frame) is the machine's RAM as the dump's bitmaps and the direct map describe it.
    /// </summary>
    public static Written Write(SyntheticKernel kernel, string dumpPath, byte[] btf, ulong maxPfn = 0, string? release = null)
    {
        const int PageSize = SyntheticMemory.PageSize;
        var frames = new Dictionary<ulong, byte[]>();
        var elsewhere = new List<(ulong Virtual, byte[] Bytes)>();
        foreach (var (address, bytes) in kernel.Memory.PlacedPages)
        {
            if (address >= StartKernelMap && address < StartKernelMap + KernelImageSize) Place((address - StartKernelMap) / PageSize, bytes);
            else if (address >= SyntheticKernel.DirectMap && address < SyntheticKernel.DirectMap + DirectMapSize) Place((address - SyntheticKernel.DirectMap) / PageSize, bytes);
            else elsewhere.Add((address, bytes));
        }
        // Behind the machine's RAM too: a frame below max_pfn that was not placed is still memory the kernel may read.
        ulong nextFrame = Math.Max(Math.Max(EndTableFrame, maxPfn), frames.Count == 0 ? 0 : frames.Keys.Max() + 1);
        var mapped = new List<(ulong Virtual, ulong Frame)>();
        foreach (var (address, bytes) in elsewhere.OrderBy(e => e.Virtual))
        {
            mapped.Add((address, nextFrame));
            Place(nextFrame++, bytes);
        }
        maxPfn = Math.Max(maxPfn, nextFrame);

        // The page tables: one PML4, the direct map as 1 GiB pages, 4 KiB entries for everything else.
        ulong tableFrame = FirstTableFrame;
        ulong root = NewTable();
        ulong directMapBytes = maxPfn * PageSize;
        for (ulong offset = 0; offset < directMapBytes; offset += 1UL << 30)
            SetEntry(SyntheticKernel.DirectMap + offset, 2, offset | TableFlags | PageTableFlags.Dirty | PageTableFlags.PageSizeExtension);
        foreach (var (address, frame) in mapped)
            SetEntry(address, 4, frame * PageSize | TableFlags | PageTableFlags.Dirty);

        ulong initTopPgt = StartKernelMap + root;
        kernel.Symbols.Add("init_top_pgt", initTopPgt);
        string osRelease = release ?? kernel.Release;
        var vmcoreInfo = $"OSRELEASE={osRelease}\nPAGESIZE={PageSize}\nSYMBOL(init_top_pgt)={initTopPgt:x}\nNUMBER(phys_base)=0\n" +
            $"KERNELOFFSET=0\nNUMBER(pgtable_l5_enabled)=0\nCRASHTIME=1700000000\n";
        var ordered = frames.Keys.Order().ToList();
        var runs = new List<(ulong Start, ulong Count)>();
        foreach (var pfn in ordered)
        {
            if (runs.Count > 0 && runs[^1].Start + runs[^1].Count == pfn) runs[^1] = (runs[^1].Start, runs[^1].Count + 1);
            else runs.Add((pfn, 1));
        }
        SparseDumpWriter.WriteKdump(dumpPath, new SparseDumpSpec
        {
            MaxPfn = maxPfn, DumpedRuns = runs, PageContent = pfn => frames[pfn], VmcoreInfo = vmcoreInfo,
        });
        var map = dumpPath + ".System.map";
        File.WriteAllLines(map, kernel.Symbols.All.Select(s => $"{s.Address:x16} {s.Type} {s.Name}"));
        var btfPath = dumpPath + ".btf";
        File.WriteAllBytes(btfPath, btf);
        return new Written(dumpPath, map, btfPath, maxPfn, frames.Count);

        void Place(ulong frame, byte[] bytes)
        {
            if (!frames.TryAdd(frame, bytes))
                throw new InvalidOperationException($"frame {frame:#x} placed twice: a kernel-image page and a direct-map page land on the same frame");
            if (frame >= FirstTableFrame && frame < EndTableFrame)
                throw new InvalidOperationException($"frame {frame:#x} is in the page-table frames {FirstTableFrame:#x}-{EndTableFrame:#x}");
        }

        ulong NewTable()
        {
            if (tableFrame == EndTableFrame) throw new InvalidOperationException("more page tables than frames 0x100-0x3ff hold");
            frames[tableFrame] = new byte[PageSize];
            return tableFrame++ * PageSize;
        }

        // Sets the entry of `level` (1 = PML4 ... 4 = PTE) for `address`, creating the tables above it.
        void SetEntry(ulong address, int level, ulong entry)
        {
            ulong table = root;
            for (int l = 1; ; l++)
            {
                int index = (int)((address >> (48 - 9 * l)) & 511);
                var page = frames[table / PageSize];
                if (l == level)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(page.AsSpan(index * 8), entry);
                    return;
                }
                ulong next = BinaryPrimitives.ReadUInt64LittleEndian(page.AsSpan(index * 8));
                if ((next & PageTableFlags.Present) == 0)
                {
                    next = NewTable() | TableFlags;
                    BinaryPrimitives.WriteUInt64LittleEndian(page.AsSpan(index * 8), next);
                }
                table = next & PageTableFlags.AddressMask4K;
            }
        }
    }
}
