namespace DumpScope.Sdk.Memory;

/// <summary>
/// The kernel's memory model: where the direct map and the struct page array (vmemmap) are, and the kernel's
/// own arithmetic between page frame numbers, struct page addresses and kernel virtual addresses
/// (pfn_to_page, page_to_pfn, virt_to_page, page_to_virt, phys_to_virt with CONFIG_SPARSEMEM_VMEMMAP).
/// The host publishes one per dump through <see cref="Kernel.IKernel.MemoryModel"/>, after checking the direct
/// map against the page tables; helpers and plugins use it instead of reading page_offset_base or vmemmap_base.
/// </summary>
public interface IMemoryModel
{
    /// <summary>The direct map's base (x86-64 <c>page_offset_base</c>, PAGE_OFFSET).</summary>
    ulong DirectMapBase { get; }

    /// <summary>The struct page of frame 0 (x86-64 <c>vmemmap_base</c>, VMEMMAP_START).</summary>
    ulong VmemmapBase { get; }

    /// <summary>Page size in bytes.</summary>
    int PageSize { get; }

    /// <summary>sizeof(struct page).</summary>
    ulong StructPageSize { get; }

    /// <summary>The lowest frame number (ARCH_PFN_OFFSET; 0 on x86-64).</summary>
    ulong MinPfn { get; }

    /// <summary>One past the highest frame of RAM (the kernel's <c>max_pfn</c>, else the dump's).</summary>
    ulong MaxPfn { get; }

    /// <summary>How each value was found when a fallback or an assumption was used.</summary>
    IReadOnlyList<string> Notes { get; }

    /// <summary>pfn_to_page: the struct page address of a frame.</summary>
    ulong PfnToPage(ulong pfn);

    /// <summary>page_to_pfn; throws <see cref="ArgumentOutOfRangeException"/> for an address outside the vmemmap.</summary>
    ulong PageToPfn(ulong page);

    /// <summary>True when <paramref name="address"/> is a struct page address of a frame in [MinPfn, MaxPfn).</summary>
    bool IsPageAddress(ulong address);

    /// <summary>page_to_virt: the direct-map address of the frame a struct page describes.</summary>
    ulong PageToVirt(ulong page);

    /// <summary>phys_to_virt (__va): the direct-map address of a physical address.</summary>
    ulong PhysToVirt(ulong physical);

    /// <summary>
    /// The frame of any kernel virtual address: by arithmetic in the direct map, through the page tables elsewhere
    /// (vmalloc, kernel text, the vmemmap itself). False with the fault when the address does not translate.
    /// </summary>
    bool TryVirtToPfn(ulong address, out ulong pfn, out MemoryFault? fault);

    /// <summary>virt_to_page; throws <see cref="MemoryFaultException"/> when the address does not translate.</summary>
    ulong VirtToPage(ulong address);
}
