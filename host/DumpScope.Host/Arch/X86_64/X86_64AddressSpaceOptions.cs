namespace DumpScope.Host.Arch.X86_64;

/// <summary>
/// What <see cref="X86_64AddressSpace"/> needs to know about the dumped kernel. Usually built from VMCOREINFO by
/// <see cref="X86_64AddressSpace.FromVmcoreInfo"/>; tests and dumps without VMCOREINFO fill it directly.
/// </summary>
public sealed record X86_64AddressSpaceOptions
{
    /// <summary>The kernel image mapping base, __START_KERNEL_map.</summary>
    public const ulong StartKernelMap = 0xffffffff80000000UL;

    /// <summary>KERNEL_IMAGE_SIZE when VMCOREINFO does not say: 512 MiB, the size without KASLR (the smaller, safer bound).</summary>
    public const ulong DefaultKernelImageSize = 512UL << 20;

    /// <summary>Physical address of the top-level page table (init_top_pgt / swapper_pg_dir, or a CPU's CR3).</summary>
    public required ulong PageTableRoot { get; init; }

    /// <summary>The kernel's phys_base: physical = virtual - __START_KERNEL_map + phys_base for kernel-image addresses (signed).</summary>
    public long PhysBase { get; init; }

    /// <summary>Size of the kernel image mapping that starts at <see cref="StartKernelMap"/> (NUMBER(KERNEL_IMAGE_SIZE)).</summary>
    public ulong KernelImageSize { get; init; } = DefaultKernelImageSize;

    /// <summary>True for 5-level paging (VMCOREINFO NUMBER(pgtable_l5_enabled)=1).</summary>
    public bool FiveLevelPaging { get; init; }

    /// <summary>One past the highest physical address of RAM the dump describes; 0 when unknown (no check).</summary>
    public ulong MaxPhysicalAddress { get; init; }

    /// <summary>The memory-encryption bit(s) set in page-table entries (VMCOREINFO NUMBER(sme_mask)); masked off.</summary>
    public ulong SmeMask { get; init; }

    /// <summary>Use arithmetic for kernel-image and direct-map addresses instead of walking the page tables.</summary>
    public bool UseFastPaths { get; init; } = true;

    /// <summary>Entries in the cache of page-walk results; 0 disables the cache.</summary>
    public int TranslationCacheEntries { get; init; } = 1024;
}
