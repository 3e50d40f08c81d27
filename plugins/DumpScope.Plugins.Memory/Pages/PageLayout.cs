namespace DumpScope.Plugins.Memory.Pages;

/// <summary>
/// What kmem -p shows of a struct page beyond the helper layer's own layout: the offsets of _refcount, _mapcount,
/// mapping and index (cross-checked against VMCOREINFO's OFFSET(page.*) when present). Where struct pages are and
/// the flag bits come from the host's memory model and DumpScope.Sdk.Linux.Mm.
/// </summary>
public sealed class PageLayout
{
    private PageLayout() { }

    /// <summary>The host's memory model (where struct pages are, page size, max_pfn).</summary>
    public IMemoryModel Model { get; private init; } = null!;

    /// <summary>The helper layer's struct page layout (flags, compound head, page types, slab cache).</summary>
    public StructPageLayout Page { get; private init; } = null!;

    /// <summary>The machine's page size.</summary>
    public ulong PageSize => (ulong)Model.PageSize;

    /// <summary>One past the highest frame (<c>max_pfn</c>), 0 when unknown.</summary>
    public ulong MaxPfn => Model.MaxPfn;

    /// <summary>sizeof(struct page).</summary>
    public ulong PageStructSize => Page.Size;

    /// <summary>Offset of page._refcount (page._count before 4.6).</summary>
    public ulong RefCountOffset { get; private init; }

    /// <summary>Offset of page._mapcount.</summary>
    public ulong MapCountOffset { get; private init; }

    /// <summary>Offset of page.mapping.</summary>
    public ulong MappingOffset { get; private init; }

    /// <summary>Offset of page.index.</summary>
    public ulong IndexOffset { get; private init; }

    /// <summary>How the layout was found, and disagreements with VMCOREINFO.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Probes the layout; throws <see cref="TypeNotFoundException"/> without struct page.</summary>
    public static PageLayout Probe(IKernel kernel)
    {
        var page = StructPageLayout.Of(kernel);
        var resolved = page.PageType.Resolve();
        ulong Offset(string member) => resolved.FindMember(member).Offset;
        ulong? Optional(string member) => resolved.TryFindMember(member, out var m) ? m.Offset : null;

        var layout = new PageLayout
        {
            Model = kernel.MemoryModel,
            Page = page,
            RefCountOffset = Optional("_refcount") ?? Offset("_count"),
            MapCountOffset = Offset("_mapcount"),
            MappingOffset = Offset("mapping"),
            // "mm: rename page->index to page->__folio_index" (6.16): the member kept its place, lost its name
            IndexOffset = Optional("index") ?? Offset("__folio_index"),
        };
        layout.Notes.AddRange(kernel.MemoryModel.Notes);
        if (kernel.VmcoreInfo is { } info)
        {
            if (info.TryGetSize("page", out var size) && (ulong)size != page.Size)
                layout.Notes.Add($"VMCOREINFO SIZE(page)={size} but BTF says {page.Size}; BTF used");
            foreach (var member in new[] { "flags", "_refcount", "mapping", "_mapcount" })
                if (info.TryGetOffset($"page.{member}", out var off) && Optional(member) is { } btf && btf != (ulong)off)
                    layout.Notes.Add($"VMCOREINFO OFFSET(page.{member})={off} but BTF says {btf}; BTF used");
            if (info.TryGetNumber("PG_slab", out var pgSlab) && page.Flags.Slab is { } slabBit && slabBit != pgSlab)
                layout.Notes.Add($"VMCOREINFO NUMBER(PG_slab)={pgSlab} but enum pageflags says {slabBit}; BTF used");
        }
        return layout;
    }

    /// <summary>The struct page address of a frame.</summary>
    public ulong PageAddress(ulong pfn) => Model.PfnToPage(pfn);
}
