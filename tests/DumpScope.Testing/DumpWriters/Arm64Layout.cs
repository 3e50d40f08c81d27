namespace DumpScope.Testing.DumpWriters;

/// <summary>
/// The memory layout of a synthetic arm64 kernel for <see cref="Arm64KernelDumpFile"/>, computed as the kernel
/// computes it (arch/arm64/include/asm/memory.h, 5.11+): PAGE_OFFSET = −2^VA_BITS (the linear map from PHYS_OFFSET),
/// KIMAGE_VADDR = MODULES_END = _PAGE_END(VA_BITS_MIN) + 128 MiB, the image at KIMAGE_VADDR + <see cref="KaslrOffset"/>,
/// VMEMMAP_START = −2^(VA_BITS − VMEMMAP_SHIFT) for a 64-byte struct page.
/// </summary>
public sealed record Arm64Layout
{
    /// <summary>The granule.</summary>
    public int PageSize { get; init; } = 4096;

    /// <summary>VA_BITS (configured and, here, what TCR_EL1.T1SZ says).</summary>
    public int VaBits { get; init; } = 48;

    /// <summary>FEAT_LPA2 descriptors (4K/16K with 52-bit VA).</summary>
    public bool Lpa2 => VaBits == 52 && PageSize != 65536;

    /// <summary>PHYS_OFFSET: where RAM (and the linear map) starts.</summary>
    public ulong PhysOffset { get; init; } = 0x4000_0000;

    /// <summary>Bytes of RAM from PHYS_OFFSET, mapped by level-2 blocks in the linear map.</summary>
    public ulong RamSize { get; init; } = 1UL << 30;

    /// <summary>KASLR: KERNELOFFSET, the image's distance from KIMAGE_VADDR (2 MiB aligned).</summary>
    public ulong KaslrOffset { get; init; } = 0x1_5420_0000;

    /// <summary>The image's physical address (PHYS_OFFSET + 2 MiB by default).</summary>
    public ulong ImagePhysical => PhysOffset + (2UL << 20);

    /// <summary>The image's size: its first <see cref="TableGranules"/> granules hold the page tables.</summary>
    public ulong ImageSize { get; init; } = 64UL << 20;

    /// <summary>Granules at the start of the image reserved for the page tables (swapper_pg_dir first).</summary>
    public int TableGranules { get; init; } = 96;

    /// <summary>PAGE_OFFSET.</summary>
    public ulong PageOffset => 0UL - (1UL << VaBits);

    /// <summary>KIMAGE_VADDR without KASLR.</summary>
    public ulong KimageVaddr => (0UL - (1UL << (Math.Min(VaBits, 48) - 1))) + (128UL << 20);

    /// <summary>The image's virtual start (_text).</summary>
    public ulong ImageVirtual => KimageVaddr + KaslrOffset;

    /// <summary>kimage_voffset = image virtual − image physical.</summary>
    public ulong KimageVoffset => ImageVirtual - ImagePhysical;

    /// <summary>VMEMMAP_START (the struct page of PHYS_OFFSET's frame).</summary>
    public ulong VmemmapStart => 0UL - (1UL << (VaBits - (System.Numerics.BitOperations.Log2((uint)PageSize) - 6)));

    /// <summary>vmemmap: the struct page address frame 0 would have.</summary>
    public ulong Vmemmap => VmemmapStart - (PhysOffset / (ulong)PageSize) * 64;

    /// <summary>A linear-map address: __va(physical).</summary>
    public ulong Va(ulong physical) => PageOffset + (physical - PhysOffset);

    /// <summary>An address in the image's data, <paramref name="offset"/> bytes past _text (beyond the tables).</summary>
    public ulong ImageData(ulong offset) => ImageVirtual + (ulong)TableGranules * (ulong)PageSize + offset;

    /// <summary>A vmalloc-area address (between the image and the vmemmap), mapped page by page.</summary>
    public ulong Vmalloc(ulong offset) => ImageVirtual + ImageSize + (1UL << 30) + offset;
}
