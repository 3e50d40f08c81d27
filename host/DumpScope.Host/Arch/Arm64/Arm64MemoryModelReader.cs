namespace DumpScope.Host.Arch.Arm64;

/// <summary>
/// The arm64 memory model as the kernel computes it: __va(physical) = PAGE_OFFSET + (physical − PHYS_OFFSET) (the
/// address space's confirmed linear map), pfn_to_page(pfn) = vmemmap + pfn with vmemmap = VMEMMAP_START −
/// (memstart_addr &gt;&gt; PAGE_SHIFT) struct pages, the lowest frame ARCH_PFN_OFFSET = PHYS_OFFSET &gt;&gt; PAGE_SHIFT.
/// vmemmap is found, in this order, from VMCOREINFO NUMBER(VMEMMAP_START) (newer kernels export it), from the
/// kernel's own mem_section (a present section's section_mem_map encodes mem_map − section start, which is
/// vmemmap itself under SPARSEMEM_VMEMMAP), else from the layouts of the kernel's eras; each candidate must map
/// the struct page of the kernel image's first frame.
/// </summary>
public static class Arm64MemoryModelReader
{
    /// <summary>Reads the model. <paramref name="imagePhysical"/> is a physical address inside the kernel image (_stext's).</summary>
    public static IMemoryModel Read(Arm64AddressSpace space, VmcoreInfo? info, ISymbolTable symbols, ITypeCatalog types, int pageSize, ulong dumpMaxPfn, ulong imagePhysical)
    {
        var notes = new List<string>();
        var options = space.Options;
        int pageShift = System.Numerics.BitOperations.Log2((uint)pageSize);
        ulong physPfnOffset = options.PhysOffset >> pageShift;

        ulong structPage = types.FindType("struct page")?.Size ?? 0;
        if (structPage == 0 && info?.TryGetSize("page", out var size) == true) structPage = (ulong)size;
        if (structPage == 0)
        {
            structPage = 64;
            notes.Add("sizeof(struct page): neither the types nor VMCOREINFO give it; assumed 64");
        }

        ulong directMap = space.DirectMapBase ?? Fallback(unchecked(0UL - (1UL << options.VaBits) - options.PhysOffset),
            "linear map", "PAGE_OFFSET was not confirmed at open; -2^VA_BITS assumed");

        // max_pfn is one past the last frame of RAM on arm64 too (it counts from frame 0, not from PHYS_OFFSET).
        ulong mp = 0;
        bool maxPfnRead = symbols.TryGetAddress("max_pfn", out var maxPfnAt) && space.TryReadU64(maxPfnAt, out mp, out _) && mp > physPfnOffset;
        ulong maxPfn = maxPfnRead ? mp : dumpMaxPfn;
        if (!maxPfnRead) notes.Add($"max_pfn: not read; the dump's 0x{dumpMaxPfn:x} frames used");

        ulong imageFrame = imagePhysical >> pageShift;
        bool Maps(ulong vmemmap) => space.Walk(unchecked(vmemmap + imageFrame * structPage)).Success;

        var candidates = new List<(ulong Vmemmap, string Why)>();
        if (info?.TryGetNumber("VMEMMAP_START", out var start) == true)
            candidates.Add((unchecked((ulong)start - physPfnOffset * structPage), "VMCOREINFO NUMBER(VMEMMAP_START)"));
        bool fromMemSection = FromMemSection(space, info, pageSize, out var fromSections, out var sectionWhy);
        if (fromMemSection) candidates.Add((fromSections, sectionWhy));
        int dataCandidates = candidates.Count;
        int structPageShift = System.Numerics.BitOperations.Log2(System.Numerics.BitOperations.RoundUpToPowerOf2(structPage));
        int vmemmapShift = pageShift - structPageShift;
        int va = options.VaBits, vaMin = Math.Min(va, 48);
        ulong pageOffset = unchecked(directMap + options.PhysOffset);
        ulong pageEnd = unchecked(0UL - (1UL << (vaMin - 1)));
        // 5.11+, "arm64: mm: make vmemmap region a projection of the linear region": VMEMMAP_START = -2^(VA_BITS - VMEMMAP_SHIFT).
        candidates.Add((unchecked((0UL - (1UL << (va - vmemmapShift))) - physPfnOffset * structPage), "VMEMMAP_START = -2^(VA_BITS - VMEMMAP_SHIFT) (5.11+)"));
        // 5.4-5.10 (after the VA flip): VMEMMAP_START = -VMEMMAP_SIZE - 2 MiB, VMEMMAP_SIZE = (PAGE_END - PAGE_OFFSET) >> VMEMMAP_SHIFT.
        ulong flippedSize = unchecked(pageEnd - pageOffset) >> vmemmapShift;
        candidates.Add((unchecked(0UL - flippedSize - (2UL << 20) - physPfnOffset * structPage), "VMEMMAP_START = -VMEMMAP_SIZE - 2 MiB (5.4-5.10)"));
        // 6.9+: VMEMMAP_END = -1 GiB, VMEMMAP_START = VMEMMAP_END - VMEMMAP_SIZE with VMEMMAP_SIZE = (PAGE_END - PAGE_OFFSET) / PAGE_SIZE * sizeof(struct page).
        ulong rangeSize = unchecked(pageEnd - pageOffset) / (ulong)pageSize * structPage;
        candidates.Add((unchecked(0UL - (1UL << 30) - rangeSize - physPfnOffset * structPage), "VMEMMAP_START = -1 GiB - VMEMMAP_SIZE (6.9+)"));
        // Before 5.4: VMEMMAP_START = PAGE_OFFSET - VMEMMAP_SIZE, VMEMMAP_SIZE = 2^(VA_BITS - PAGE_SHIFT - 1 + STRUCT_PAGE_MAX_SHIFT).
        candidates.Add((unchecked(pageOffset - (1UL << (va - pageShift - 1 + structPageShift)) - physPfnOffset * structPage), "VMEMMAP_START = PAGE_OFFSET - VMEMMAP_SIZE (before 5.4)"));

        ulong vmemmap = 0;
        string? how = null;
        int chosen = -1;
        for (int i = 0; i < candidates.Count; i++)
        {
            if (!Maps(candidates[i].Vmemmap)) continue;
            (vmemmap, how, chosen) = (candidates[i].Vmemmap, candidates[i].Why, i);
            break;
        }
        // Only worth saying when the kernel's own data did not decide.
        if (!fromMemSection && (chosen < 0 || chosen >= dataCandidates)) notes.Add($"vmemmap: {sectionWhy}");
        if (how is null)
        {
            vmemmap = candidates[0].Vmemmap;
            notes.Add($"vmemmap: no candidate maps the struct page of frame 0x{imageFrame:x}; {candidates[0].Why} ({vmemmap:x}) used unconfirmed");
        }
        else if (how != candidates[0].Why) notes.Add($"vmemmap: {vmemmap:x} (the struct page of frame 0) from {how}; earlier candidates did not map the struct page of frame 0x{imageFrame:x}");
        return new VmemmapMemoryModel(space, directMap, vmemmap, pageSize, structPage, maxPfn, notes) { MinPfn = physPfnOffset };

        ulong Fallback(ulong value, string what, string why)
        {
            notes.Add($"{what}: {why}; {value:x} used");
            return value;
        }
    }

    // mem_section (SPARSEMEM): with SPARSEMEM_EXTREME, SYMBOL(mem_section) is the pointer's value, the array of
    // NR_SECTION_ROOTS root pointers (commit a0b1280368d1 "kdump: write correct address of mem_section into
    // vmcoreinfo"), each root PAGE_SIZE / sizeof(struct mem_section) sections; section_mem_map's low bits are flags
    // (SECTION_MARKED_PRESENT = 1, SECTION_HAS_MEM_MAP = 2, ...), the rest is the encoded mem_map.
    private static bool FromMemSection(Arm64AddressSpace space, VmcoreInfo? info, int pageSize, out ulong vmemmap, out string why)
    {
        vmemmap = 0;
        if (info is null || !info.TryGetSymbol("mem_section", out var roots) || !info.TryGetSize("mem_section", out var sectionSize) || sectionSize <= 0
            || !info.TryGetOffset("mem_section.section_mem_map", out var mapOffset) || !info.TryGetLength("mem_section", out var rootCount))
        {
            why = "VMCOREINFO lacks SYMBOL/SIZE/LENGTH(mem_section) or OFFSET(mem_section.section_mem_map): mem_section not read";
            return false;
        }
        long perRoot = pageSize / sectionSize;
        const ulong Flags = (1UL << 12) - 1;
        var found = new List<ulong>();
        for (long root = 0; root < Math.Min(rootCount, 1 << 16) && found.Count < 2; root++)
        {
            if (!space.TryReadU64(roots + (ulong)root * 8, out var sections, out _) || sections == 0) continue;
            for (long i = 0; i < perRoot && found.Count < 2; i++)
            {
                if (!space.TryReadU64(sections + (ulong)(i * sectionSize + mapOffset), out var map, out _)) break;
                if ((map & 3) != 3) continue; // present and with a mem_map
                found.Add(map & ~Flags);
            }
        }
        if (found.Count == 0)
        {
            why = $"mem_section at {roots:x} holds no present section with a mem_map (read as SPARSEMEM_EXTREME roots)";
            return false;
        }
        if (found.Distinct().Count() != 1)
        {
            why = $"mem_section's first present sections disagree ({string.Join(", ", found.Select(f => $"{f:x}"))}): not a SPARSEMEM_VMEMMAP encoding";
            return false;
        }
        vmemmap = found[0];
        why = "mem_section's section_mem_map (SPARSEMEM_VMEMMAP: mem_map - section start = vmemmap)";
        return true;
    }
}
