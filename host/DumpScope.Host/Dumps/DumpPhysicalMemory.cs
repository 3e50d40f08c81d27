using System.Buffers;

namespace DumpScope.Host.Dumps;

/// <summary>
/// Physical memory of a dump: reads any range across pages through a thread-safe LRU cache of
/// decompressed pages, and stops at the first unreadable byte with a precise physical-address fault
/// (Excluded, NotInDump, Truncated, Corrupt). Optionally excluded pages read as zeros, like crash's
/// <c>--zero_excluded</c>.
/// </summary>
public sealed class DumpPhysicalMemory : IPhysicalMemory
{
    /// <summary>Default number of decompressed pages kept (16 MiB of 4 KiB pages).</summary>
    public const int DefaultCachePages = 4096;

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
