namespace DumpScope.Sdk.Linux.Mm;

/// <summary>Counts from a scan of the struct page array.</summary>
/// <param name="Scanned">struct pages read.</param>
/// <param name="Shared">Pages not PG_reserved with _refcount &gt; 1.</param>
/// <param name="SlabPages">Pages with PG_slab (head pages of slabs: one per slab on 5.x+).</param>
/// <param name="Reserved">PG_reserved pages.</param>
/// <param name="UnreadableChunks">vmemmap pages that could not be read (holes, excluded).</param>
/// <param name="PagesPerChunk">struct pages per vmemmap page.</param>
public sealed record MemMapCounts(long Scanned, long Shared, long SlabPages, long Reserved, long UnreadableChunks, int PagesPerChunk);
