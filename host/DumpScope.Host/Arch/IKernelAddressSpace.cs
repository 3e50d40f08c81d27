namespace DumpScope.Host.Arch;

/// <summary>
/// Kernel virtual memory of one architecture over the dump's physical memory, with what <c>vtop</c>, <c>ptov</c>
/// and the loader need beyond <see cref="IKernelMemory"/>: the page-table walk with every level, the
/// arithmetic fast paths (kernel image, direct/linear map) and the paging mode in words. One implementation per
/// architecture (<see cref="X86_64.X86_64AddressSpace"/>, <see cref="Arm64.Arm64AddressSpace"/>); thread-safe.
/// </summary>
public interface IKernelAddressSpace : IKernelMemory
{
    /// <summary>The machine as uname -m spells it: "x86_64" or "aarch64".</summary>
    string Architecture { get; }

    /// <summary>Physical address of the kernel's top-level page table.</summary>
    ulong PageTableRoot { get; }

    /// <summary>One past the highest physical address of RAM the dump describes; 0 when unknown.</summary>
    ulong MaxPhysicalAddress { get; }

    /// <summary>
    /// The virtual address physical address 0 has in the direct (linear) map, once configured, so that
    /// base + physical is the kernel's __va(); null when not configured. On x86-64 it is page_offset_base; on
    /// arm64 PAGE_OFFSET − PHYS_OFFSET (physical 0 itself is usually not RAM there).
    /// </summary>
    ulong? DirectMapBase { get; }

    /// <summary>The paging mode in words for <c>sys -f</c>/features ("4 levels", "4 KiB granule, 48-bit VA, 4 levels").</summary>
    string PagingDescription { get; }

    /// <summary>Translates through the page tables only (no fast path, no cache), recording every entry read.</summary>
    PageTableWalk Walk(ulong virtualAddress);

    /// <summary>
    /// The physical address a fast path gives for <paramref name="virtualAddress"/>, and which path ("kernel
    /// image", "direct map", "linear map"); false when the address is in none.
    /// </summary>
    bool TryFastPath(ulong virtualAddress, out ulong physicalAddress, out string region);

    /// <summary>The direct-map address of a physical address (__va()), when the direct map is configured and covers it.</summary>
    bool TryPhysicalToDirectMap(ulong physicalAddress, out ulong virtualAddress);

    /// <summary>True when the address can be a kernel address at all (canonical / inside the TTBR1 range).</summary>
    bool IsCanonical(ulong virtualAddress);
}
