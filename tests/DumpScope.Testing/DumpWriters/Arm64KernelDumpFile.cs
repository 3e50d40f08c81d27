using DumpScope.Testing.Kernels;

namespace DumpScope.Testing.DumpWriters;

/// <summary>
/// Writes a <see cref="SyntheticKernel"/> placed at arm64 addresses (<see cref="Arm64Layout"/>) as an arm64 ELF core
/// or kdump-compressed file, with arm64 page tables (<see cref="Arm64PageTables"/>) for the layout's granule and
/// VA size, the VMCOREINFO arm64 writes, arm64 PRSTATUS notes, and a System.map (unrelocated: the host adds
/// KERNELOFFSET) and BTF beside it. Placement: image addresses at virtual − kimage_voffset (mapped by
/// contiguous runs of pages, as the kernel maps its segments), linear-map addresses at __pa() (mapped by level-2
/// blocks over all of RAM), anything else (vmemmap, vmalloc) at frames above RAM mapped page by page.
/// </summary>
public static class Arm64KernelDumpFile
{
    /// <summary>What was written, and the tables (for tests that look at entries).</summary>
    public sealed record Written(string Dump, string SystemMap, string Btf, Arm64PageTables Tables, string VmcoreInfo);

    /// <summary>How to write.</summary>
    public sealed record Options
    {
        /// <summary>kdump-compressed instead of ELF.</summary>
        public bool Kdump { get; init; }

        /// <summary>CPU notes (arm64 register names).</summary>
        public IReadOnlyList<CpuNote> Cpus { get; init; } = [];

        /// <summary>Changes to the tables after they are built (garbage entries).</summary>
        public Action<Arm64PageTables>? Tamper { get; init; }

        /// <summary>Extra VMCOREINFO lines.</summary>
        public string ExtraVmcoreInfo { get; init; } = "";

        /// <summary>
        /// Write the kernel's mem_section (SPARSEMEM_EXTREME roots in the linear map, 1 MiB above PHYS_OFFSET) and
        /// its VMCOREINFO entries: each present section's section_mem_map is vmemmap | SECTION_MARKED_PRESENT |
        /// SECTION_HAS_MEM_MAP, as sparse_encode_mem_map leaves it under SPARSEMEM_VMEMMAP.
        /// </summary>
        public bool MemSection { get; init; }

        /// <summary>OSRELEASE.</summary>
        public string Release { get; init; } = "6.1.0-synthetic-arm64";
    }

    /// <summary>Writes <paramref name="kernel"/> to <paramref name="dumpPath"/>.</summary>
    public static Written Write(SyntheticKernel kernel, Arm64Layout layout, string dumpPath, byte[] btf, Options? options = null)
    {
        options ??= new Options();
        ulong granule = (ulong)layout.PageSize;
        var writer = new DumpWriter(layout.PageSize) { Machine = "aarch64" };
        var frames = new Dictionary<ulong, byte[]>();
        byte[] Frame(ulong physical)
        {
            ulong pfn = physical / granule;
            if (!frames.TryGetValue(pfn, out var f)) frames[pfn] = f = new byte[granule];
            return f;
        }

        string memSectionInfo = "";
        if (options.MemSection)
        {
            const int SectionSizeBits = 27, SectionSize = 16, RootCount = 8192;
            ulong roots = layout.Va(layout.PhysOffset + (1UL << 20)), sections = roots + RootCount * 8;
            ulong perRoot = granule / SectionSize;
            ulong first = layout.PhysOffset >> SectionSizeBits, last = (layout.PhysOffset + layout.RamSize - 1) >> SectionSizeBits;
            if (first / perRoot != last / perRoot) throw new InvalidOperationException("RAM spans more than one mem_section root");
            kernel.Memory.WriteU64(roots + first / perRoot * 8, sections);
            kernel.Memory.Write(sections, new byte[(int)granule]);
            for (ulong nr = first; nr <= last; nr++) kernel.Memory.WriteU64(sections + nr % perRoot * SectionSize, layout.Vmemmap | 3);
            memSectionInfo = $"SYMBOL(mem_section)={roots:x}\nLENGTH(mem_section)={RootCount}\nSIZE(mem_section)={SectionSize}\n" +
                $"OFFSET(mem_section.section_mem_map)=0\nNUMBER(SECTION_SIZE_BITS)={SectionSizeBits}\n";
        }

        // The struct page of the image's first text frame: where the host confirms the vmemmap base.
        ulong stextFrame = (layout.ImagePhysical + 0x10000) / granule;
        if (!kernel.Memory.PlacedPages.ContainsKey((layout.Vmemmap + stextFrame * 64) & ~0xfffUL))
            kernel.Memory.Write(layout.Vmemmap + stextFrame * 64, new byte[64]);
        ulong ramEnd = layout.PhysOffset + layout.RamSize;
        ulong imageEnd = layout.ImageVirtual + layout.ImageSize;
        ulong tablesStart = layout.ImagePhysical, tablesEnd = tablesStart + (ulong)layout.TableGranules * granule;
        var tables = new Arm64PageTables(layout.PageSize, layout.VaBits, layout.Lpa2, tablesStart);
        ulong nextHigh = ramEnd;
        var elsewhere = new Dictionary<ulong, ulong>(); // granule-aligned virtual -> physical above RAM
        foreach (var (address, bytes) in kernel.Memory.PlacedPages.OrderBy(p => p.Key))
        {
            ulong physical;
            if (address >= layout.ImageVirtual && address < imageEnd) physical = address - layout.KimageVoffset;
            else if (address >= layout.PageOffset && address < layout.PageOffset + layout.RamSize) physical = address - layout.PageOffset + layout.PhysOffset;
            else
            {
                ulong page = address & ~(granule - 1);
                if (!elsewhere.TryGetValue(page, out var frame))
                {
                    elsewhere[page] = frame = nextHigh;
                    nextHigh += granule;
                }
                physical = frame + (address - page);
            }
            if (physical >= tablesStart && physical < tablesEnd)
                throw new InvalidOperationException($"{address:x} lands on the page-table granules of the image");
            bytes.CopyTo(Frame(physical).AsSpan((int)(physical % granule)));
        }

        // The linear map: level-2 blocks over RAM; the image: contiguous runs of pages; the rest: single pages.
        ulong block = 1UL << tables.Shift(2);
        for (ulong at = layout.PhysOffset; at < ramEnd; at += block) tables.Map(layout.Va(at), at, level: 2);
        int run = layout.PageSize switch { 4096 => 16, 16384 => 128, _ => 32 };
        for (ulong va = layout.ImageVirtual; va < imageEnd; va += granule)
            tables.Map(va, va - layout.KimageVoffset, level: 3, contiguous: layout.ImageSize % ((ulong)run * granule) == 0);
        foreach (var (va, physical) in elsewhere) tables.Map(va, physical, level: 3);
        options.Tamper?.Invoke(tables);
        if (tables.TablesEnd > tablesEnd) throw new InvalidOperationException($"the page tables need more than {layout.TableGranules} granules");
        foreach (var (at, bytes) in tables.Tables) bytes.CopyTo(Frame(at).AsSpan((int)(at % granule)));

        ulong swapper = layout.ImageVirtual + (tables.Root - layout.ImagePhysical);
        kernel.Symbols.Add("swapper_pg_dir", swapper, 'B');
        kernel.Symbols.Add("_text", layout.ImageVirtual, 'T');
        kernel.Symbols.Add("_stext", layout.ImageVirtual + 0x10000, 'T');
        kernel.Symbols.Add("_end", imageEnd, 'B');
        uint t1sz = (uint)(64 - layout.VaBits);
        var vmcoreInfo = $"OSRELEASE={options.Release}\nPAGESIZE={layout.PageSize}\nSYMBOL(swapper_pg_dir)={swapper:x}\n" +
            $"SYMBOL(_stext)={layout.ImageVirtual + 0x10000:x}\nNUMBER(VA_BITS)={layout.VaBits}\nNUMBER(kimage_voffset)=0x{layout.KimageVoffset:x}\n" +
            $"NUMBER(PHYS_OFFSET)=0x{layout.PhysOffset:x}\nNUMBER(TCR_EL1_T1SZ)=0x{t1sz:x}\nKERNELOFFSET={layout.KaslrOffset:x}\n" +
            $"NUMBER(KERNELPACMASK)=0x0\nCRASHTIME=1700000000\n" + memSectionInfo + options.ExtraVmcoreInfo;
        writer.VmcoreInfo = vmcoreInfo;
        writer.Cpus.AddRange(options.Cpus);
        foreach (var (pfn, bytes) in frames.OrderBy(f => f.Key)) writer.AddPage(pfn, bytes);
        // The rest of RAM was free or zero: excluded, as makedumpfile -d 31 leaves it.
        for (ulong pfn = layout.PhysOffset / granule; pfn < ramEnd / granule; pfn++)
            if (!frames.ContainsKey(pfn)) writer.Exclude(pfn);
        File.WriteAllBytes(dumpPath, options.Kdump ? writer.WriteKdump().Bytes : writer.WriteElf(new ElfWriterOptions { DirectMapBase = layout.PageOffset }));

        // System.map holds link-time addresses: the host adds KERNELOFFSET. Place symbols in the image only, as a
        // real System.map has nothing else.
        var map = dumpPath + ".System.map";
        File.WriteAllLines(map, kernel.Symbols.All.Select(s => $"{s.Address - layout.KaslrOffset:x16} {s.Type} {s.Name}"));
        var btfPath = dumpPath + ".btf";
        File.WriteAllBytes(btfPath, btf);
        return new Written(dumpPath, map, btfPath, tables, vmcoreInfo);
    }
}
