namespace DumpScope.Sdk.Linux.Mm;

/// <summary>
/// drgn's helpers/linux/mm for DumpScope, named after the kernel's C functions: pfn_to_page, page_to_pfn,
/// virt_to_page, page_to_virt (through the host's <see cref="IMemoryModel"/>), compound_head, PageSlab,
/// page_slab / folio_slab and the slab cache of a page. Each reads one struct page; faults propagate as
/// <see cref="MemoryFaultException"/>.
/// </summary>
/// <example><code>ulong page = kernel.VirtToPage(address); if (kernel.PageSlab(page)) cache = kernel.PageSlabCache(page);</code></example>
public static class PageHelpers
{
    private const int MaxStructPage = 512;

    /// <summary>pfn_to_page.</summary>
    public static ulong PfnToPage(this IKernel kernel, ulong pfn) => kernel.MemoryModel.PfnToPage(pfn);

    /// <summary>page_to_pfn.</summary>
    public static ulong PageToPfn(this IKernel kernel, ulong page) => kernel.MemoryModel.PageToPfn(page);

    /// <summary>virt_to_page (any kernel address: the page tables are used outside the direct map).</summary>
    public static ulong VirtToPage(this IKernel kernel, ulong address) => kernel.MemoryModel.VirtToPage(address);

    /// <summary>page_to_virt: the direct-map address of a page's frame.</summary>
    public static ulong PageToVirt(this IKernel kernel, ulong page) => kernel.MemoryModel.PageToVirt(page);

    /// <summary>page->flags.</summary>
    public static ulong PageFlagsOf(this IKernel kernel, ulong page)
    {
        var layout = StructPageLayout.Of(kernel);
        return kernel.Memory.ReadU64(page + layout.FlagsOffset, "struct page.flags");
    }

    /// <summary>compound_head(page): the head page of a tail page, else the page itself.</summary>
    public static ulong CompoundHead(this IKernel kernel, ulong page)
    {
        var layout = StructPageLayout.Of(kernel);
        Span<byte> buffer = stackalloc byte[MaxStructPage];
        return layout.HeadOf(layout.Read(kernel, page, Buffer(layout, buffer)), page) ?? page;
    }

    /// <summary>PageSlab(page) of the page's head (folio_test_slab): the PG_slab flag or the slab page type.</summary>
    public static bool PageSlab(this IKernel kernel, ulong page)
    {
        var layout = StructPageLayout.Of(kernel);
        Span<byte> buffer = stackalloc byte[MaxStructPage];
        var bytes = layout.Read(kernel, page, Buffer(layout, buffer));
        if (layout.HeadOf(bytes, page) is { } head) bytes = layout.Read(kernel, head, Buffer(layout, buffer));
        return layout.IsSlab(bytes);
    }

    /// <summary>
    /// page_slab(page) / folio_slab: the slab descriptor (struct slab on 5.17+, the head struct page before; the
    /// same address) of a slab page, or null when the page is not a slab page.
    /// </summary>
    public static ulong? PageSlabDescriptor(this IKernel kernel, ulong page)
    {
        ulong head = kernel.CompoundHead(page);
        return kernel.PageSlab(head) ? head : null;
    }

    /// <summary>The kmem_cache of a slab page (slab->slab_cache), or null when the page is not a slab page.</summary>
    public static ulong? PageSlabCache(this IKernel kernel, ulong page)
    {
        var layout = StructPageLayout.Of(kernel);
        Span<byte> buffer = stackalloc byte[MaxStructPage];
        var bytes = layout.Read(kernel, page, Buffer(layout, buffer));
        if (layout.HeadOf(bytes, page) is { } head) bytes = layout.Read(kernel, head, Buffer(layout, buffer));
        return layout.IsSlab(bytes) ? layout.SlabCache(bytes) : null;
    }

    /// <summary>The page type's name ("buddy", "table", "slab", …) of a page, or null.</summary>
    public static string? PageTypeName(this IKernel kernel, ulong page)
    {
        var layout = StructPageLayout.Of(kernel);
        Span<byte> buffer = stackalloc byte[MaxStructPage];
        return layout.TypeName(layout.Read(kernel, page, Buffer(layout, buffer)));
    }

    private static Span<byte> Buffer(StructPageLayout layout, Span<byte> stack) =>
        layout.Size <= (ulong)stack.Length ? stack : new byte[layout.Size];
}
