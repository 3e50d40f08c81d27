using DumpScope.Host.Arch.X86_64;

namespace DumpScope.Host.Kernel;

/// <summary>
/// Establishes the memory model the host publishes (<see cref="IMemoryModel"/>): the direct-map base the
/// address space already confirmed against the page tables, vmemmap_base checked the same way (the struct page
/// of the kernel image's first frame must be mapped), sizeof(struct page) from the types or VMCOREINFO, and
/// max_pfn. Each fallback is noted.
/// </summary>
internal static class MemoryModelReader
{
    private const ulong DefaultDirectMap4Level = 0xffff_8880_0000_0000UL, DefaultDirectMap5Level = 0xff11_0000_0000_0000UL;
    private const ulong DefaultVmemmap4Level = 0xffff_ea00_0000_0000UL, DefaultVmemmap5Level = 0xffd4_0000_0000_0000UL;

    public static IMemoryModel Read(IDumpSource dump, X86_64AddressSpace space, ISymbolTable symbols, ITypeCatalog types, int pageSize)
    {
        var notes = new List<string>();
        bool fiveLevel = space.Options.FiveLevelPaging;
        ulong directMap = space.DirectMapBase ?? Fallback("page_offset_base", fiveLevel ? DefaultDirectMap5Level : DefaultDirectMap4Level,
            "the direct map was not confirmed at open");

        ulong structPage = types.FindType("struct page")?.Size ?? 0;
        if (structPage == 0 && dump.VmcoreInfo?.TryGetSize("page", out var size) == true) structPage = (ulong)size;
        if (structPage == 0)
        {
            structPage = 64;
            notes.Add("sizeof(struct page): neither the types nor VMCOREINFO give it; assumed 64");
        }

        ulong maxPfn = symbols.TryGetAddress("max_pfn", out var maxPfnAt) && space.TryReadU64(maxPfnAt, out var mp, out _) && mp > 0 ? mp : dump.MaxPfn;
        if (maxPfn == dump.MaxPfn && !symbols.TryGetAddress("max_pfn", out _)) notes.Add($"max_pfn: no symbol; the dump's {dump.MaxPfn:#x} frames used");

        ulong vmemmap;
        if (symbols.TryGetAddress("vmemmap_base", out var variable))
        {
            if (!space.TryReadU64(variable, out vmemmap, out var fault))
                vmemmap = Fallback("vmemmap_base", fiveLevel ? DefaultVmemmap5Level : DefaultVmemmap4Level, $"unreadable ({fault!.Message})");
        }
        else vmemmap = Fallback("vmemmap_base", fiveLevel ? DefaultVmemmap5Level : DefaultVmemmap4Level, "no symbol (a kernel without KASLR of the memory layout)");

        // The kernel image's own frame has a struct page: it must be mapped where the base says.
        ulong imageFrame = X86_64AddressSpace.KernelImageToPhysical(
            symbols.TryGetAddress("_stext", out var stext) ? stext : X86_64AddressSpaceOptions.StartKernelMap + (16UL << 20), space.Options.PhysBase) / (ulong)pageSize;
        var walk = space.Walk(vmemmap + imageFrame * structPage);
        if (!walk.Success) notes.Add($"vmemmap: base {vmemmap:x} not confirmed: the struct page of frame {imageFrame:#x} is not mapped ({walk.Fault?.Message})");
        return new VmemmapMemoryModel(space, directMap, vmemmap, pageSize, structPage, maxPfn, notes);

        ulong Fallback(string what, ulong value, string why)
        {
            notes.Add($"{what}: {why}; assumed {value:x}");
            return value;
        }
    }
}
