using System.Buffers;

namespace DumpScope.Host.Dumps;

/// <summary>
/// Physical memory of a dump: reads any range across pages through a thread-safe LRU cache of
/// decompressed pages, and stops at the first unreadable byte with a precise physical-address fault
/// (Excluded, NotInDump, Truncated, Corrupt). Optionally excluded pages read as zeros, like crash's
/// <c>--zero_excluded</c>. Pages a walk will read next can be read ahead (<see cref="PrefetchPhysical"/>), and a read
/// spanning many uncached pages reads them ahead itself: the pages are decompressed on the thread pool, one batch per
/// core, each thread with its own inflater (the sources' codecs keep their state per thread).
/// </summary>
public sealed class DumpPhysicalMemory : IPhysicalMemory, IPhysicalPrefetch
{
    /// <summary>Default number of decompressed pages kept (16 MiB of 4 KiB pages).</summary>
    public const int DefaultCachePages = 4096;

    /// <summary>
    /// Fewest pages read ahead on several cores: a zlib page inflates in about a microsecond, handing a batch to the
    /// thread pool costs some tens, so smaller read-aheads are read on the calling thread.
    /// </summary>
    public const int ParallelPages = 32;

    /// <summary>Pages a long read reads ahead at a time.</summary>
    private const int ReadAheadWindow = 256;

    /// <summary>Pages one thread-pool work item reads (the hand-over is paid once per chunk, not per page).</summary>
    private const int ChunkPages = 16;

    private readonly IDumpSource _source;
    private readonly PageCache _cache;
    private readonly int _pageSize;
    private readonly int _pageShift;
    private readonly ulong _pageMask;
    private readonly DumpReadStatistics _statistics;

    /// <summary>Creates the view over <paramref name="source"/> (not owned: dispose the source separately).</summary>
    /// <param name="source">The dump.</param>
    /// <param name="zeroFillExcluded">Read excluded pages as zeros instead of failing.</param>
    /// <param name="cachePages">About how many decompressed pages to keep (the sharded cache keeps up to a quarter more).</param>
    public DumpPhysicalMemory(IDumpSource source, bool zeroFillExcluded = false, int cachePages = DefaultCachePages)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        _pageSize = source.PageSize;
        if (_pageSize <= 0 || (_pageSize & (_pageSize - 1)) != 0)
            throw new ArgumentException($"page size {_pageSize} is not a power of two", nameof(source));
        _pageShift = System.Numerics.BitOperations.Log2((uint)_pageSize);
        _pageMask = (ulong)_pageSize - 1;
        ZeroFillExcluded = zeroFillExcluded;
        _cache = new PageCache(_pageSize, Math.Max(16, cachePages));
        _statistics = source is IDumpReadStatistics counted ? counted.Statistics : new DumpReadStatistics();
    }

    /// <summary>The read counters (the source's own when it keeps them, so <c>dumpinfo -v</c> sees the cache's hit rate).</summary>
    public DumpReadStatistics Statistics => _statistics;

    /// <summary>The dump read.</summary>
    public IDumpSource Source => _source;

    /// <summary>True when excluded pages read as zeros.</summary>
    public bool ZeroFillExcluded { get; }

    /// <inheritdoc/>
    public ReadResult ReadPhysical(ulong address, Span<byte> destination)
    {
        int done = 0;
        ulong readAheadEnd = address;
        byte[]? scratch = null;
        try
        {
            while (done < destination.Length)
            {
                ulong at = address + (ulong)done;
                if (at < address)
                    return new ReadResult(done, new MemoryFault(at, MemoryFaultKind.NotInDump, true, Detail: "address wraps around"));
                ulong pfn = at >> _pageShift;
                int inPage = (int)(at & _pageMask);
                int chunk = Math.Min(destination.Length - done, _pageSize - inPage);
                var part = destination.Slice(done, chunk);
                bool hit = _cache.TryCopy(pfn, inPage, part);
                if (!hit && at >= readAheadEnd && destination.Length - done >= ParallelPages * _pageSize)
                {
                    // A long read (rd, search, a big object): the next uncached pages are decompressed on every core
                    // first, a window at a time (bounded by the cache, so a read stopping at a fault wastes little).
                    int window = Math.Min(destination.Length - done, ReadAheadWindow * _pageSize);
                    readAheadEnd = at + (ulong)window;
                    PrefetchPhysical([at], window);
                    hit = _cache.TryCopy(pfn, inPage, part);
                }
                _statistics.CacheLookup(hit);
                if (!hit)
                {
                    scratch ??= ArrayPool<byte>.Shared.Rent(_pageSize);
                    var page = scratch.AsSpan(0, _pageSize);
                    var read = _source.ReadPage(pfn, page);
                    if (read.State == PageState.Present)
                    {
                        _cache.Add(pfn, page);
                        page.Slice(inPage, chunk).CopyTo(part);
                    }
                    else if (read.State == PageState.Excluded && ZeroFillExcluded)
                    {
                        part.Clear();
                    }
                    else
                    {
                        return new ReadResult(done, new MemoryFault(at, ToFaultKind(read.State), true, Detail: read.Detail));
                    }
                }
                done += chunk;
            }
            return ReadResult.Complete(done);
        }
        finally
        {
            if (scratch is not null) ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// The caller takes chunks too and waits only for helpers that are inside a chunk (at most 16 pages each), never
    /// for one the scheduler has not run yet — on a loaded machine, often: such a helper finds nothing left and
    /// touches nothing, so no helper ever reads the dump after this returns (the dump may then be closed).
    /// </remarks>
    public int PrefetchPhysical(ReadOnlySpan<ulong> addresses, int length)
    {
        if (length <= 0 || addresses.IsEmpty) return 0;
        // A read-ahead larger than a quarter of the cache would evict its own first pages before they are used.
        int limit = Math.Max(ParallelPages, _cache.Capacity / 4);
        var wanted = new List<ulong>();
        HashSet<ulong>? seen = addresses.Length > 1 || (ulong)length > (ulong)_pageSize ? [] : null;
        foreach (ulong address in addresses)
        {
            ulong last = address + (ulong)length - 1;
            if (last < address) last = ulong.MaxValue;
            for (ulong pfn = address >> _pageShift; pfn <= last >> _pageShift && wanted.Count < limit; pfn++)
            {
                // Only pages with data: excluded and missing ones cost nothing to read and are left to the read.
                if ((seen is null || seen.Add(pfn)) && !_cache.Contains(pfn) && _source.GetPageState(pfn) == PageState.Present) wanted.Add(pfn);
                if (pfn == ulong.MaxValue >> _pageShift) break;
            }
            if (wanted.Count >= limit) break;
        }
        if (wanted.Count == 0) return 0;
        int chunks = (wanted.Count + ChunkPages - 1) / ChunkPages;
        int helpers = Math.Min(Environment.ProcessorCount, chunks) - 1;
        if (wanted.Count < ParallelPages || helpers < 1)
        {
            int read;
            try { read = ReadInto(wanted, 0, wanted.Count); }
            catch (Exception e) when (IsReadProblem(e)) { return 0; } // the walk's own read reports it
            _statistics.Prefetched(read, parallel: false);
            return read;
        }
        var batch = new ReadAheadBatch(this, wanted, chunks);
        _statistics.Prefetched(0, parallel: true);
        for (int i = 0; i < helpers; i++) ThreadPool.UnsafeQueueUserWorkItem(static b => b.Help(), batch, preferLocal: false);
        batch.RunAndWait();
        return batch.Read;
    }

    // What a file read can throw (an I/O error, a file closed under it): a read-ahead only warms the cache, so it
    // never fails for these; the page is read again by the walk, which reports the fault with its own address.
    private static bool IsReadProblem(Exception e) =>
        e is IOException or UnauthorizedAccessException or InvalidDataException or ObjectDisposedException;

    /// <summary>One read-ahead's chunks, taken in turn by the caller and the thread-pool helpers.</summary>
    private sealed class ReadAheadBatch(DumpPhysicalMemory memory, List<ulong> pfns, int chunks)
    {
        private int _next;
        private int _read;
        private int _inChunk;

        public int Read => Volatile.Read(ref _read);

        /// <summary>A helper: counted as busy before it claims a chunk, so the caller sees it until it is done.</summary>
        public void Help()
        {
            Interlocked.Increment(ref _inChunk);
            try
            {
                Run();
            }
            catch (Exception e) when (IsReadProblem(e))
            {
                // On a pool thread the exception would end the process; the walk's own read meets it again.
            }
            finally
            {
                Interlocked.Decrement(ref _inChunk);
            }
        }

        /// <summary>
        /// The caller: chunks until none is left to claim, then waits for the helpers inside one. A helper counted
        /// after that finds every chunk claimed and returns without reading.
        /// </summary>
        public void RunAndWait()
        {
            try
            {
                Run();
            }
            catch (Exception e) when (IsReadProblem(e))
            {
                // The walk's own read meets the problem again and reports it with its address.
            }
            finally
            {
                // Whatever happened in the caller's chunks: no helper may still read the dump once this returns. The
                // caller stopped claiming when it threw, so the chunks left are withdrawn: a helper the scheduler runs
                // later finds none (it counts itself busy before claiming, so one that claimed first is waited for).
                Interlocked.Exchange(ref _next, chunks);
                var wait = new SpinWait();
                while (Volatile.Read(ref _inChunk) > 0) wait.SpinOnce();
            }
        }

        private void Run()
        {
            for (int chunk; (chunk = Interlocked.Increment(ref _next) - 1) < chunks;)
            {
                int from = chunk * ChunkPages;
                int n = memory.ReadInto(pfns, from, Math.Min(pfns.Count, from + ChunkPages));
                Interlocked.Add(ref _read, n);
                memory._statistics.Prefetched(n, parallel: false);
            }
        }
    }

    private int ReadInto(List<ulong> pfns, int from, int to)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_pageSize);
        try
        {
            int read = 0;
            var page = buffer.AsSpan(0, _pageSize);
            for (int i = from; i < to; i++)
            {
                // The walk may have read it meanwhile (a helper runs beside it).
                if (_cache.Contains(pfns[i])) continue;
                // Faults are left to the read that follows: it reports them with its own address.
                if (_source.ReadPage(pfns[i], page).State != PageState.Present) continue;
                _cache.Add(pfns[i], page);
                read++;
            }
            return read;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads that had to go to the dump (page not cached); for tests and tuning.</summary>
    public long CacheMisses => _statistics.Snapshot().CacheMisses;

    /// <summary>Drops every cached page.</summary>
    public void ClearCache() => _cache.Clear();

    private static MemoryFaultKind ToFaultKind(PageState state) => state switch
    {
        PageState.Excluded => MemoryFaultKind.Excluded,
        PageState.Truncated => MemoryFaultKind.Truncated,
        PageState.Corrupt => MemoryFaultKind.Corrupt,
        _ => MemoryFaultKind.NotInDump,
    };
}
