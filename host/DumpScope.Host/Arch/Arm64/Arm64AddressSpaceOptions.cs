namespace DumpScope.Host.Arch.Arm64;

/// <summary>
/// What <see cref="Arm64AddressSpace"/> needs to know about the dumped arm64 kernel. Usually built from VMCOREINFO
/// by <see cref="Arm64KernelLayout"/>; tests fill it directly.
/// </summary>
public sealed record Arm64AddressSpaceOptions
{
    /// <summary>Physical address of the table the walk starts from (swapper_pg_dir − kimage_voffset, plus the 52/48-bit TTBR1 offset where it applies).</summary>
    public required ulong PageTableRoot { get; init; }

    /// <summary>The translation granule: 4096, 16384 or 65536 (VMCOREINFO PAGESIZE).</summary>
    public int PageSize { get; init; } = 4096;

    /// <summary>Virtual-address bits the walk resolves: 64 − TCR_EL1.T1SZ (39, 42, 47, 48 or 52).</summary>
    public int VaBits { get; init; } = 48;

    /// <summary>
    /// FEAT_LPA2 descriptors (4K and 16K granules with 52-bit VA): output-address bits 51:50 in descriptor bits
    /// 9:8, which are the shareability field otherwise. 64K granules always read PA bits 51:48 from bits 15:12.
    /// </summary>
    public bool Lpa2 { get; init; }

    /// <summary>NUMBER(kimage_voffset): kernel-image virtual − physical (__kimg_to_phys).</summary>
    public ulong KimageVoffset { get; init; }

    /// <summary>NUMBER(PHYS_OFFSET): the physical address the linear map starts with (memstart_addr).</summary>
    public ulong PhysOffset { get; init; }

    /// <summary>One past the highest physical address of RAM the dump describes; 0 when unknown (no check).</summary>
    public ulong MaxPhysicalAddress { get; init; }

    /// <summary>Use arithmetic for kernel-image and linear-map addresses once they are configured.</summary>
    public bool UseFastPaths { get; init; } = true;

    /// <summary>Entries in the cache of page-walk results; 0 disables the cache.</summary>
    public int TranslationCacheEntries { get; init; } = 1024;
}
