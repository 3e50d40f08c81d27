using System.Diagnostics;
using DumpScope.Host.Dumps;

namespace DumpScope.Host.Session;

/// <summary>
/// <c>dumpscope bench DUMP [-c CMD]...</c>: how long opening took, then each command run twice (first: cold,
/// with JIT and empty caches, as a user meets it; again: warm) with the pages it read from the file, the bytes
/// it decompressed and the page cache's hit rate; then peak RSS and CPU time of the process, and the page-read
/// throughput of the dump reader against inflating the same stored pages with nothing else (zlib dumps).
/// </summary>
public static class SessionBenchmark
{
    /// <summary>The commands timed when none are given: what a first look at a dump runs.</summary>
    public static readonly IReadOnlyList<string> DefaultCommands = ["dumpinfo", "sys", "kmem -s", "ps", "kmem -i", "log"];

    /// <summary>At most this many present pages are read for the throughput comparison.</summary>
    private const int ThroughputPages = 50_000;

    /// <summary>Pages read ahead at a time in the throughput comparison.</summary>
    private const int ReadAheadBatch = 1024;

    /// <summary>Times <paramref name="commands"/> on the open <paramref name="session"/>, which took <paramref name="openTime"/> to open.</summary>
    public static CommandResult Run(DumpScopeSession session, TimeSpan openTime, IReadOnlyList<string> commands, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (commands.Count == 0) commands = DefaultCommands;
        var dump = session.Services.GetService(typeof(IDumpSource)) as IDumpSource;
        var stats = (dump as IDumpReadStatistics)?.Statistics;
        var result = new CommandResult();
        var total = new DumpReadCounters();

        var table = result.Add(new TableBlock(new Column("COMMAND"), new Column("FIRST ms", CellKind.Real, "first_ms"),
            new Column("FIRST CPU ms", CellKind.Integer, "first_cpu_ms"), new Column("FIRST ALLOC", CellKind.Size, "first_allocated_bytes"), new Column("GCs", CellKind.Integer, "first_gen0_collections"),
            new Column("GC PAUSE ms", CellKind.Integer, "first_gc_pause_ms"),
            new Column("AGAIN ms", CellKind.Real, "again_ms"), new Column("ROWS/LINES", CellKind.Integer, "rows"),
            new Column("PAGES READ", CellKind.Integer, "pages_read"), new Column("DECOMPRESSED", CellKind.Size, "decompressed_bytes"),
            new Column("CACHE HITS", CellKind.Percent, "cache_hit_percent"), new Column("STATUS")) { Title = "COMMANDS" });
        foreach (var command in commands)
        {
            cancellation.ThrowIfCancellationRequested();
            var before = stats?.Snapshot() ?? default;
            var cpuBefore = ProcessCpu();
            // Allocation and collections of the cold run: on 100,000-row commands the GC was most of the CPU time.
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
            int gcBefore = GC.CollectionCount(0);
            var pauseBefore = GC.GetTotalPauseDuration();
            var (first, firstResult) = Time(session, command, cancellation);
            var firstCpu = ProcessCpu() - cpuBefore;
            long allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
            int collections = GC.CollectionCount(0) - gcBefore;
            var pause = GC.GetTotalPauseDuration() - pauseBefore;
            var reads = (stats?.Snapshot() ?? default).Since(before);
            // Warm runs are often well under a millisecond: their mean over repeats (up to 20, or 200 ms in all) says more than one.
            var again = TimeSpan.Zero;
            int repeats = 0;
            while (repeats < 20 && (repeats == 0 || again < TimeSpan.FromMilliseconds(200)))
            {
                again += Time(session, command, cancellation).Elapsed;
                repeats++;
            }
            again /= repeats;
            total = (stats?.Snapshot() ?? default);
            int rows = firstResult.Blocks.Sum(b => b switch { TableBlock t => t.Rows.Count, RecordBlock r => r.Fields.Count, TextBlock x => x.Lines.Count, _ => 0 });
            table.AddRow(Cell.Text(command), Cell.Real(Math.Round(first.TotalMilliseconds, 2)), Cell.Int((long)firstCpu.TotalMilliseconds),
                Cell.Size((ulong)Math.Max(0, allocated)), Cell.Int(collections), Cell.Int((long)pause.TotalMilliseconds), Cell.Real(Math.Round(again.TotalMilliseconds, 2)), Cell.Int(rows),
                Counted(stats, reads.PagesRead), stats is null ? Cell.NotAvailable("no read counters", CellKind.Size) : Cell.Size((ulong)reads.DecompressedBytes),
                reads.HitRate is { } rate ? Cell.Percent(rate * 100) : Cell.NotApplicable(CellKind.Percent),
                Cell.Text(firstResult.Failed ? "failed: " + firstResult.Error : "ok"));
        }

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var summary = result.Add(new RecordBlock { Title = "SESSION" });
        summary.Add("dump", Cell.Text(session.DumpPath ?? "(none)"));
        summary.Add("open ms", Cell.Int((long)openTime.TotalMilliseconds));
        summary.Add("pages read", Counted(stats, total.PagesRead));
        summary.Add("stored bytes read", stats is null ? Cell.NotAvailable("no read counters", CellKind.Size) : Cell.Size((ulong)total.StoredBytes));
        summary.Add("bytes decompressed", stats is null ? Cell.NotAvailable("no read counters", CellKind.Size) : Cell.Size((ulong)total.DecompressedBytes));
        summary.Add("page cache hit rate", total.HitRate is { } all ? Cell.Percent(all * 100) : Cell.NotApplicable(CellKind.Percent));
        summary.Add("peak RSS", Cell.Size((ulong)process.PeakWorkingSet64));
        summary.Add("CPU time ms", Cell.Int((long)process.TotalProcessorTime.TotalMilliseconds));
        if (dump is KdumpDumpSource { Compression: PageCompression.Zlib } kdump) AddThroughput(result, kdump, cancellation);
        return result;
    }

    private static TimeSpan Best(Action run, CancellationToken cancellation)
    {
        run();
        var best = TimeSpan.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            run();
            if (clock.Elapsed < best) best = clock.Elapsed;
        }
        return best;
    }

    private static Cell Counted(DumpReadStatistics? stats, long value) =>
        stats is null ? Cell.NotAvailable("this dump reader keeps no counters", CellKind.Integer) : Cell.Int(value);

    /// <summary>CPU time of the whole process so far (every thread: JIT, GC, the command's own): on a shared machine wall time mostly measures the others.</summary>
    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static (TimeSpan Elapsed, CommandResult Result) Time(DumpScopeSession session, string command, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var result = session.Run(command, cancellation);
        return (clock.Elapsed, result);
    }

    /// <summary>
    /// Up to <see cref="ThroughputPages"/> present pages read through the reader (page_desc, bounds, codec) and
    /// the same stored bytes through the inflater alone (the limit), and through a new System.IO.Compression.ZLibStream
    /// per page for comparison: the reader's share of the limit.
    /// </summary>
    private static void AddThroughput(CommandResult result, KdumpDumpSource kdump, CancellationToken cancellation)
    {
        // Pages stored zlib-compressed only (makedumpfile stores a page raw when zlib does not shrink it): the
        // reader and the bare inflate do the same work.
        var pfns = new List<ulong>();
        var stored = new List<byte[]>();
        for (ulong pfn = 0; pfn < kdump.MaxPfn && pfns.Count < ThroughputPages; pfn++)
        {
            if (kdump.GetPageState(pfn) != PageState.Present || kdump.ReadStoredPage(pfn) is not { Codec: PageCompression.Zlib } s) continue;
            pfns.Add(pfn);
            stored.Add(s.Data);
        }
        var page = new byte[kdump.PageSize];
        bool reset = ZlibPageInflater.Available;
        void Reader() { foreach (var pfn in pfns) kdump.ReadPage(pfn, page); }
        void Raw()
        {
            // The limit: the same stored bytes, already in memory, through the inflater alone (the reader's own
            // reset stream where it binds, else a ZLibStream per page as the reader then uses).
            foreach (var data in stored)
                if (reset) ZlibPageInflater.InflatePage(data, page);
                else PageCodecs.InflateWithStream(data, data.Length, page);
        }
        void StreamPerPage() { foreach (var data in stored) PageCodecs.InflateWithStream(data, data.Length, page); }
        // The same pages read ahead a batch at a time into a cache of their own (decompressed on every core), then read.
        var addresses = pfns.Select(p => p * (ulong)kdump.PageSize).ToArray();
        var ahead = new DumpPhysicalMemory(kdump, cachePages: ReadAheadBatch * 4);
        var cached = new DumpPhysicalMemory(kdump, cachePages: ReadAheadBatch * 4);
        // The single-core baseline of the read-ahead: the same reads through a page cache, each a miss read on this thread.
        void Cached()
        {
            cached.ClearCache();
            foreach (var address in addresses) cached.ReadPhysical(address, page);
        }
        void ReadAhead()
        {
            ahead.ClearCache();
            for (int i = 0; i < addresses.Length; i += ReadAheadBatch)
            {
                var batch = addresses.AsSpan(i, Math.Min(ReadAheadBatch, addresses.Length - i));
                ahead.PrefetchPhysical(batch, 1);
                foreach (var address in batch) ahead.ReadPhysical(address, page);
            }
        }
        // Each is run once untimed first (JIT, the file's pages in memory), then timed: best of three.
        var reader = Best(Reader, cancellation);
        var raw = Best(Raw, cancellation);
        var perPage = Best(StreamPerPage, cancellation);
        var throughCache = Best(Cached, cancellation);
        var readAhead = Best(ReadAhead, cancellation);
        string MBps(int pages, TimeSpan t) => (pages * (double)kdump.PageSize / 1e6 / Math.Max(t.TotalSeconds, 1e-9)).ToString("0.0", CultureInfo.InvariantCulture);
        var record = result.Add(new RecordBlock { Title = "PAGE READ THROUGHPUT" });
        record.Add("zlib pages", Cell.Int(pfns.Count));
        record.Add("reader MB/s", Cell.Text(MBps(pfns.Count, reader)));
        record.Add("raw inflate MB/s", Cell.Text(MBps(stored.Count, raw) + (reset ? " (one reset zlib stream)" : " (ZLibStream per page)")));
        record.Add("ZLibStream per page MB/s", Cell.Text(MBps(stored.Count, perPage)));
        record.Add("reader / raw", Cell.Percent(100.0 * raw.TotalSeconds / Math.Max(reader.TotalSeconds, 1e-9)));
        record.Add("through the page cache MB/s", Cell.Text(MBps(pfns.Count, throughCache) + " (each page a miss, read on this thread)"));
        record.Add("read-ahead MB/s", Cell.Text(MBps(pfns.Count, readAhead) + $" (batches of {ReadAheadBatch} on {Environment.ProcessorCount} cores, then read from the page cache)"));
        record.Add("read-ahead / through the cache", Cell.Percent(100.0 * throughCache.TotalSeconds / Math.Max(readAhead.TotalSeconds, 1e-9)));
    }
}
