namespace DumpScope.Host.Dumps;

/// <summary>
/// Counters of one open dump's reads, for <c>dumpinfo -v</c> and <c>dumpscope bench</c>: pages read from the
/// file, stored bytes read and bytes produced by decompression (the source counts), and hits and misses of
/// the decompressed-page cache in front of it (<see cref="DumpPhysicalMemory"/> counts). Thread-safe; a
/// snapshot is a consistent-enough copy for reporting.
/// </summary>
public sealed class DumpReadStatistics
{
    private long _pagesRead;
    private long _storedBytes;
    private long _decompressedBytes;
    private long _cacheHits;
    private long _cacheMisses;
    private long _prefetched;
    private long _parallelBatches;

    /// <summary>Records one page read from the file: <paramref name="stored"/> bytes read, <paramref name="decompressed"/> produced by a codec (0 when stored raw).</summary>
    public void PageRead(long stored, long decompressed)
    {
        Interlocked.Increment(ref _pagesRead);
        Interlocked.Add(ref _storedBytes, stored);
        if (decompressed > 0) Interlocked.Add(ref _decompressedBytes, decompressed);
    }

    /// <summary>Records a page cache look-up.</summary>
    public void CacheLookup(bool hit)
    {
        if (hit) Interlocked.Increment(ref _cacheHits);
        else Interlocked.Increment(ref _cacheMisses);
    }

    /// <summary>Records pages read ahead into the cache (<see cref="DumpPhysicalMemory.PrefetchPhysical"/>), and whether on several cores.</summary>
    public void Prefetched(long pages, bool parallel)
    {
        Interlocked.Add(ref _prefetched, pages);
        if (parallel) Interlocked.Increment(ref _parallelBatches);
    }

    /// <summary>The counters now.</summary>
    public DumpReadCounters Snapshot() => new(Interlocked.Read(ref _pagesRead), Interlocked.Read(ref _storedBytes),
        Interlocked.Read(ref _decompressedBytes), Interlocked.Read(ref _cacheHits), Interlocked.Read(ref _cacheMisses))
    {
        PagesPrefetched = Interlocked.Read(ref _prefetched),
        ParallelBatches = Interlocked.Read(ref _parallelBatches),
    };
}

/// <summary>A copy of <see cref="DumpReadStatistics"/>; subtract two to measure one command.</summary>
/// <param name="PagesRead">Pages read from the file (each page cache miss that found data or a fault).</param>
/// <param name="StoredBytes">Bytes of stored page data read (compressed size for compressed pages).</param>
/// <param name="DecompressedBytes">Bytes a codec produced.</param>
/// <param name="CacheHits">Page reads served by the page cache.</param>
/// <param name="CacheMisses">Page reads that went to the file.</param>
public readonly record struct DumpReadCounters(long PagesRead, long StoredBytes, long DecompressedBytes, long CacheHits, long CacheMisses)
{
    /// <summary>Of <see cref="PagesRead"/>, the pages read ahead into the cache (a walk's next pages, a long range read) rather than on a miss.</summary>
    public long PagesPrefetched { get; init; }

    /// <summary>Read-ahead batches decompressed on several cores at once.</summary>
    public long ParallelBatches { get; init; }

    /// <summary>Hits over look-ups, or null before any look-up.</summary>
    public double? HitRate => CacheHits + CacheMisses == 0 ? null : (double)CacheHits / (CacheHits + CacheMisses);

    /// <summary>The counts from <paramref name="before"/> to this one.</summary>
    public DumpReadCounters Since(DumpReadCounters before) => new(PagesRead - before.PagesRead, StoredBytes - before.StoredBytes,
        DecompressedBytes - before.DecompressedBytes, CacheHits - before.CacheHits, CacheMisses - before.CacheMisses)
    {
        PagesPrefetched = PagesPrefetched - before.PagesPrefetched,
        ParallelBatches = ParallelBatches - before.ParallelBatches,
    };
}

/// <summary>Optional ability of a dump source (test with <c>is</c>): the counters of its reads.</summary>
public interface IDumpReadStatistics
{
    /// <summary>This source's counters (shared with the page cache in front of it).</summary>
    DumpReadStatistics Statistics { get; }
}
