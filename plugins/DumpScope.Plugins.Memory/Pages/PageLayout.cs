using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Linux.Objects;
using DumpScope.Sdk.Types;

namespace DumpScope.Plugins.Memory.Pages;

/// <summary>
/// Where struct pages live and how to read them, probed once per dump: the vmemmap base (x86-64
/// <c>vmemmap_base</c>, randomized with KASLR), <c>sizeof(struct page)</c>, member offsets from BTF (cross-checked
/// against VMCOREINFO's OFFSET(page.*) when present), the flag bit numbers from <c>enum pageflags</c> and the
/// highest frame (<c>max_pfn</c>).
/// </summary>
public sealed class PageLayout
{
    /// <summary>x86-64's vmemmap base without KASLR (VMEMMAP_START for 4-level paging).</summary>
    public const ulong DefaultVmemmapBase = 0xffff_ea00_0000_0000UL;

    private PageLayout() { }

    /// <summary>Address of the struct page of frame 0.</summary>
    public ulong VmemmapBase { get; private init; }

    /// <summary>sizeof(struct page).</summary>
    public ulong PageStructSize { get; private init; }

    /// <summary>The machine's page size.</summary>
    public ulong PageSize { get; private init; }

    /// <summary>One past the highest frame (<c>max_pfn</c>), 0 when unknown.</summary>
    public ulong MaxPfn { get; private init; }

    /// <summary>The struct page type.</summary>
    public KernelType PageType { get; private init; } = null!;

    /// <summary>Offset of page.flags.</summary>
    public ulong FlagsOffset { get; private init; }

    /// <summary>Offset of page._refcount (page._count before 4.6).</summary>
    public ulong RefCountOffset { get; private init; }

    /// <summary>Offset of page._mapcount.</summary>
    public ulong MapCountOffset { get; private init; }

    /// <summary>Offset of page.mapping.</summary>
    public ulong MappingOffset { get; private init; }

    /// <summary>Offset of page.index.</summary>
    public ulong IndexOffset { get; private init; }

    /// <summary>Offset of page.compound_head (bit 0 set on tail pages), null on kernels without it.</summary>
    public ulong? CompoundHeadOffset { get; private init; }

    /// <summary>Bit number of PG_reserved, null when unknown.</summary>
    public int? ReservedBit { get; private init; }

    /// <summary>Bit number of PG_slab, null when unknown.</summary>
    public int? SlabBit { get; private init; }

    /// <summary>Bit number of PG_head, null when unknown.</summary>
    public int? HeadBit { get; private init; }

    /// <summary>__NR_PAGEFLAGS: bits above it hold section/node/zone numbers, not flags.</summary>
    public int FlagBits { get; private init; }

    /// <summary>How the layout was found, and disagreements with VMCOREINFO.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Probes the layout; throws <see cref="TypeNotFoundException"/> without struct page.</summary>
    public static PageLayout Probe(IKernel kernel)
    {
        if (kernel.Architecture != "x86_64")
            throw new NotSupportedException($"struct page lookup is implemented for x86_64 (vmemmap), not {kernel.Architecture}");
        var page = kernel.Types.Require("struct page");
        var resolved = page.Resolve();
        ulong Offset(string member) => resolved.FindMember(member).Offset;
        ulong? Optional(string member) => resolved.TryFindMember(member, out var m) ? m.Offset : null;

        var notes = new List<string>();
        ulong vmemmap = DefaultVmemmapBase;
        if (KernelGlobals.TryReadInteger(kernel, "vmemmap_base", "unsigned long", out var vb, out var why)) vmemmap = (ulong)vb;
        else notes.Add($"vmemmap_base unreadable ({why}); assumed {DefaultVmemmapBase:x}");
        ulong maxPfn = KernelGlobals.TryReadInteger(kernel, "max_pfn", "unsigned long", out var mp, out _) ? (ulong)mp : kernel.Dump.MaxPfn;

        int? Bit(string name) => KernelGlobals.TryEnumValue(kernel, "enum pageflags", name, out var v) ? (int)v : null;
        int flagBits = Bit("__NR_PAGEFLAGS") ?? 0;
        int? slabBit = Bit("PG_slab");
        if (kernel.VmcoreInfo is { } info)
        {
            if (info.TryGetSize("page", out var size) && (ulong)size != page.Size)
                notes.Add($"VMCOREINFO SIZE(page)={size} but BTF says {page.Size}; BTF used");
            foreach (var member in new[] { "flags", "_refcount", "mapping", "_mapcount" })
                if (info.TryGetOffset($"page.{member}", out var off) && Optional(member) is { } btf && btf != (ulong)off)
                    notes.Add($"VMCOREINFO OFFSET(page.{member})={off} but BTF says {btf}; BTF used");
            if (info.TryGetNumber("PG_slab", out var pgSlab))
            {
                if (slabBit is null) slabBit = (int)pgSlab;
                else if (slabBit != pgSlab) notes.Add($"VMCOREINFO NUMBER(PG_slab)={pgSlab} but enum pageflags says {slabBit}; BTF used");
            }
        }
        var layout = new PageLayout
        {
            VmemmapBase = vmemmap,
            PageStructSize = page.Size,
            PageSize = (ulong)kernel.PageSize,
            MaxPfn = maxPfn,
            PageType = page,
            FlagsOffset = Offset("flags"),
            RefCountOffset = Optional("_refcount") ?? Offset("_count"),
            MapCountOffset = Offset("_mapcount"),
            MappingOffset = Offset("mapping"),
            IndexOffset = Offset("index"),
            CompoundHeadOffset = Optional("compound_head"),
            ReservedBit = Bit("PG_reserved"),
            SlabBit = slabBit,
            HeadBit = Bit("PG_head"),
            FlagBits = flagBits is > 0 and <= 64 ? flagBits : 64,
        };
        layout.Notes.AddRange(notes);
        return layout;
    }

    /// <summary>The struct page address of a frame (the kernel's pfn_to_page with SPARSEMEM_VMEMMAP).</summary>
    public ulong PageAddress(ulong pfn) => VmemmapBase + pfn * PageStructSize;

    /// <summary>True when <paramref name="address"/> points into the vmemmap array (below max_pfn).</summary>
    public bool IsPageAddress(ulong address) =>
        address >= VmemmapBase && (MaxPfn == 0 || address < VmemmapBase + MaxPfn * PageStructSize);

    /// <summary>The frame whose struct page is at <paramref name="pageAddress"/> (page_to_pfn).</summary>
    public ulong PfnOf(ulong pageAddress) => (pageAddress - VmemmapBase) / PageStructSize;
}
