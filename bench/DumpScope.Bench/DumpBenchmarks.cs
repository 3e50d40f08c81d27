using BenchmarkDotNet.Attributes;
using DumpScope.Host.Dumps;
using DumpScope.Testing;

namespace DumpScope.Bench;

/// <summary>
/// The dump access layer on the kd1 fixtures: sequential reads of every present page against the bare
/// codec on the same stored bytes (the limit), random page reads through a warm cache, and open times.
/// Run: <c>dotnet run -c Release --project bench/DumpScope.Bench -- --filter '*DumpBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class DumpBenchmarks
{
    private const int RandomReads = 1 << 20;

    private IDumpSource _zlib = null!;
    private IDumpSource _lzo = null!;
    private ulong[] _zlibPresent = [];
    private ulong[] _lzoPresent = [];
    private (byte[] Data, PageCompression Codec)[] _zlibStored = [];
    private (byte[] Data, PageCompression Codec)[] _lzoStored = [];
    private DumpPhysicalMemory _memory = null!;
    private ulong[] _randomAddresses = [];
    private readonly byte[] _page = new byte[4096];

    [GlobalSetup]
    public void Setup()
    {
        _zlib = DumpOpener.Open(Fixtures.Kd1Zlib);
        _lzo = DumpOpener.Open(Fixtures.Kd1Lzo);
        _zlibPresent = Present(_zlib);
        _lzoPresent = Present(_lzo);
        _zlibStored = Stored((KdumpDumpSource)_zlib, _zlibPresent);
        _lzoStored = Stored((KdumpDumpSource)_lzo, _lzoPresent);

        // Warm cache: as many distinct present pages as the cache holds, all read once.
        _memory = new DumpPhysicalMemory(_zlib, cachePages: DumpPhysicalMemory.DefaultCachePages);
        var rng = new Random(1);
        var warm = _zlibPresent.OrderBy(_ => rng.Next()).Take(DumpPhysicalMemory.DefaultCachePages - 256).ToArray();
        foreach (var pfn in warm) _memory.ReadPhysical(pfn * 4096, _page);
        _randomAddresses = new ulong[RandomReads];
        for (int i = 0; i < RandomReads; i++) _randomAddresses[i] = warm[rng.Next(warm.Length)] * 4096;
        _ = Fixtures.Kd1Elf; // decompress the ELF fixture once, outside the measurements
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _zlib.Dispose();
        _lzo.Dispose();
    }

    private static ulong[] Present(IDumpSource dump)
    {
        var list = new List<ulong>();
        for (ulong pfn = 0; pfn < dump.MaxPfn; pfn++)
            if (dump.GetPageState(pfn) == PageState.Present) list.Add(pfn);
        return list.ToArray();
    }

    private static (byte[], PageCompression)[] Stored(KdumpDumpSource dump, ulong[] present) =>
        present.Select(p => dump.ReadStoredPage(p) ?? throw new InvalidOperationException($"pfn {p} unreadable")).ToArray();

    /// <summary>Every present page of kd1 kdump-zlib through IDumpSource.ReadPage (bitmap, page_desc, file read, inflate).</summary>
    [Benchmark]
    public int SequentialZlibReadPage()
    {
        int n = 0;
        foreach (var pfn in _zlibPresent)
            if (_zlib.ReadPage(pfn, _page).State == PageState.Present) n++;
        return n;
    }

    /// <summary>The limit: the same pages' stored bytes, already in memory, through the codec alone.</summary>
    [Benchmark(Baseline = true)]
    public int SequentialZlibCodecOnly()
    {
        int n = 0;
        foreach (var (data, codec) in _zlibStored)
            if (PageCodecs.Decompress(codec, data, data.Length, _page) is null) n++;
        return n;
    }

    /// <summary>The same stored bytes through a new ZLibStream per page (what the reader did before it reset one stream per thread).</summary>
    [Benchmark]
    public int SequentialZlibStreamPerPage()
    {
        int n = 0;
        foreach (var (data, codec) in _zlibStored)
        {
            // makedumpfile stores a page raw when zlib does not shrink it: those are copied, as by the reader.
            if (codec != PageCompression.Zlib) n += PageCodecs.Decompress(codec, data, data.Length, _page) is null ? 1 : 0;
            else if (PageCodecs.InflateWithStream(data, data.Length, _page) is null) n++;
        }
        return n;
    }

    /// <summary>
    /// Every present page of kd1 kdump-zlib through DumpPhysicalMemory, one read per page on the calling thread (each a
    /// cache miss): the single-core baseline of <see cref="ParallelZlibReadAhead"/>.
    /// </summary>
    [Benchmark]
    public int SequentialZlibThroughCache()
    {
        var memory = new DumpPhysicalMemory(_zlib, cachePages: ReadAheadBatch * 4);
        int n = 0;
        foreach (var pfn in _zlibPresent)
            if (memory.ReadPhysical(pfn * 4096, _page).Fault is null) n++;
        return n;
    }

    /// <summary>
    /// The same pages read ahead in batches of <see cref="ReadAheadBatch"/> (PrefetchPhysical: decompressed on every
    /// core into the page cache), then read: what a walk that knows its next pages gets.
    /// </summary>
    [Benchmark]
    public int ParallelZlibReadAhead()
    {
        var memory = new DumpPhysicalMemory(_zlib, cachePages: ReadAheadBatch * 4);
        var addresses = _zlibPresent.Select(p => p * 4096).ToArray();
        int n = 0;
        for (int i = 0; i < addresses.Length; i += ReadAheadBatch)
        {
            var batch = addresses.AsSpan(i, Math.Min(ReadAheadBatch, addresses.Length - i));
            memory.PrefetchPhysical(batch, 1);
            foreach (var address in batch)
                if (memory.ReadPhysical(address, _page).Fault is null) n++;
        }
        return n;
    }

    private const int ReadAheadBatch = 1024;

    /// <summary>Every present page of kd1 kdump-lzo through IDumpSource.ReadPage.</summary>
    [Benchmark]
    public int SequentialLzoReadPage()
    {
        int n = 0;
        foreach (var pfn in _lzoPresent)
            if (_lzo.ReadPage(pfn, _page).State == PageState.Present) n++;
        return n;
    }

    /// <summary>The LZO limit: stored bytes in memory through the LZO1X decoder alone.</summary>
    [Benchmark]
    public int SequentialLzoCodecOnly()
    {
        int n = 0;
        foreach (var (data, codec) in _lzoStored)
            if (PageCodecs.Decompress(codec, data, data.Length, _page) is null) n++;
        return n;
    }

    /// <summary>Random whole-page reads through DumpPhysicalMemory, every page already cached.</summary>
    [Benchmark(OperationsPerInvoke = RandomReads)]
    public int RandomWarmCachePageReads()
    {
        int n = 0;
        foreach (var address in _randomAddresses)
            n += _memory.ReadPhysical(address, _page).BytesRead;
        return n;
    }

    /// <summary>Open the kd1 ELF (101 MB, 23 PT_LOADs) and dispose it.</summary>
    [Benchmark]
    public ulong OpenElf()
    {
        using var dump = DumpOpener.Open(Fixtures.Kd1Elf);
        return dump.MaxPfn;
    }

    /// <summary>Open the q1 QEMU ELF (151 MB) and dispose it.</summary>
    [Benchmark]
    public ulong OpenQemuElf()
    {
        using var dump = DumpOpener.Open(Fixtures.Q1Elf);
        return dump.MaxPfn;
    }

    /// <summary>Open kd1 kdump-zlib: headers, notes, both bitmaps and their rank index.</summary>
    [Benchmark]
    public ulong OpenKdump()
    {
        using var dump = DumpOpener.Open(Fixtures.Kd1Zlib);
        return dump.MaxPfn;
    }

    /// <summary>Open the flattened kd1 file: also indexes its records.</summary>
    [Benchmark]
    public ulong OpenFlattened()
    {
        using var dump = DumpOpener.Open(Fixtures.Kd1Flat);
        return dump.MaxPfn;
    }
}
