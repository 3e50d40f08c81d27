namespace DumpScope.Sdk.Linux.Mm;

/// <summary>
/// Scans of the struct page array (the kernel's mem_map / vmemmap), a vmemmap page at a time: holes in the
/// vmemmap (sparse memory, excluded pages) come back as chunks with a fault, and the scan goes on. Streaming and
/// allocation-free per chunk, for walks over every page (for_each_page) of large machines.
/// </summary>
public static class MemMap
{
    /// <summary>
    /// for_each_page, chunked: every frame from MinPfn to MaxPfn in chunks of PAGE_SIZE / sizeof(struct page)
    /// struct pages. The yielded chunk object and its buffer are reused. Throws <see cref="NotSupportedException"/>
    /// when max_pfn is unknown or sizeof(struct page) does not divide the page size.
    /// </summary>
    public static IEnumerable<MemMapChunk> ForEachChunk(IKernel kernel, CancellationToken cancellation = default)
    {
        var model = kernel.MemoryModel;
        if (model.MaxPfn == 0) throw new NotSupportedException("max_pfn is unknown");
        int pageSize = model.PageSize, structPage = (int)model.StructPageSize;
        if (structPage == 0 || pageSize % structPage != 0)
            throw new NotSupportedException($"sizeof(struct page)={structPage} does not divide the page size {pageSize}");
        int perChunk = pageSize / structPage;
        var chunk = new MemMapChunk(new byte[pageSize]) { StructPageSize = structPage };
        // The vmemmap is page aligned at frame 0, so chunk k holds frames k*perChunk .. +perChunk-1.
        ulong first = model.MinPfn - model.MinPfn % (ulong)perChunk;
        for (; first < model.MaxPfn; first += (ulong)perChunk)
        {
            if ((first & 0xffff) == 0) cancellation.ThrowIfCancellationRequested();
            var read = kernel.Memory.ReadVirtual(model.PfnToPage(first), chunk.Buffer);
            chunk.FirstPfn = first;
            chunk.Count = (int)Math.Min((ulong)perChunk, model.MaxPfn - first);
            chunk.Fault = read.Fault;
            yield return chunk;
        }
    }
}
