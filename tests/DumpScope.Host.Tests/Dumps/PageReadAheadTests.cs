namespace DumpScope.Host.Tests.Dumps;

/// <summary>
/// DumpPhysicalMemory's read-ahead (PrefetchPhysical, and long reads that read ahead themselves): the pages a walk
/// will read are decompressed on the thread pool into the page cache, every codec with its own state per thread,
/// and the reads that follow are cache hits with the same bytes. Excluded and missing pages are left to the read.
/// </summary>
public sealed class PageReadAheadTests
{
    private const int Pages = 400;

    /// <summary>Frames 0-399 with data, every 7th excluded, frames 400-409 not in the dump.</summary>
    private static DumpWriter Writer()
    {
        var w = new DumpWriter { MaxPfn = Pages + 10 };
        for (ulong p = 0; p < Pages; p++)
        {
            if (p % 7 == 3) w.Exclude(p);
            else w.AddPage(p, w.PatternPage(p));
        }
        return w;
    }

    private static TempDumpFile Write(DumpWriter w, TestPageCodec? codec) =>
        new(codec is { } c ? w.WriteKdump(new KdumpWriterOptions { Codec = c }).Bytes : w.WriteElf());

    public static TheoryData<TestPageCodec?> Formats => new() { TestPageCodec.Zlib, TestPageCodec.Lzo, TestPageCodec.Snappy, TestPageCodec.Zstd, TestPageCodec.None, null };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Read_ahead_pages_are_then_cache_hits_with_the_same_bytes(TestPageCodec? codec)
    {
        var w = Writer();
        using var file = Write(w, codec);
        using var dump = DumpOpener.Open(file.Path);
        var memory = new DumpPhysicalMemory(dump, cachePages: 2048);
        var addresses = Enumerable.Range(0, Pages + 10).Select(p => (ulong)p * 4096 + 100).ToArray();

        int read = memory.PrefetchPhysical(addresses, 8);
        read.Should().Be(w.Pages.Count, "every page with data is read once; excluded and missing frames are not");
        memory.PrefetchPhysical(addresses, 8).Should().Be(0, "they are cached now");
        var counters = memory.Statistics.Snapshot();
        counters.PagesPrefetched.Should().Be(w.Pages.Count);
        counters.ParallelBatches.Should().Be(Environment.ProcessorCount > 1 ? 1 : 0, "one batch, on every core when there are several");

        long misses = memory.CacheMisses;
        var buffer = new byte[4096];
        foreach (var (pfn, page) in w.Pages)
        {
            memory.ReadPhysical(pfn * 4096, buffer).IsComplete.Should().BeTrue();
            buffer.Should().Equal(page);
        }
        memory.CacheMisses.Should().Be(misses, "every page was read ahead");
        memory.ReadPhysical(3 * 4096, buffer).Fault!.Kind.Should().Be(MemoryFaultKind.Excluded, "the read reports what the read-ahead skipped");
        memory.ReadPhysical((Pages + 5) * 4096UL, buffer).Fault!.Kind.Should().Be(MemoryFaultKind.NotInDump);
    }

    [Fact]
    public void A_read_ahead_is_bounded_by_the_cache()
    {
        var w = Writer();
        using var file = Write(w, TestPageCodec.Zlib);
        using var dump = DumpOpener.Open(file.Path);
        var memory = new DumpPhysicalMemory(dump, cachePages: 256);
        int read = memory.PrefetchPhysical([0], Pages * 4096);
        read.Should().BeGreaterThan(0).And.BeLessThan(w.Pages.Count, "more than a quarter of the cache would evict its own first pages");
        memory.PrefetchPhysical([], 4096).Should().Be(0);
        memory.PrefetchPhysical([0], 0).Should().Be(0);
    }

    [Fact]
    public void A_long_read_reads_ahead_and_stops_at_the_first_excluded_byte_as_before()
    {
        var w = new DumpWriter();
        for (ulong p = 0; p < 100; p++) w.AddPage(p, w.PatternPage(p));
        w.Exclude(100);
        w.AddPage(101, w.PatternPage(101));
        using var file = Write(w, TestPageCodec.Zlib);
        using var dump = DumpOpener.Open(file.Path);
        var memory = new DumpPhysicalMemory(dump, cachePages: 1024);

        var buffer = new byte[102 * 4096];
        var result = memory.ReadPhysical(0, buffer);
        result.BytesRead.Should().Be(100 * 4096);
        result.Fault!.Kind.Should().Be(MemoryFaultKind.Excluded);
        result.Fault.Address.Should().Be(100 * 4096UL);
        for (ulong p = 0; p < 100; p++) buffer.AsSpan((int)p * 4096, 4096).ToArray().Should().Equal(w.Pages[p]);
        var counters = memory.Statistics.Snapshot();
        counters.PagesPrefetched.Should().Be(101, "the read's window was read ahead, the page after the excluded one too: a window is bounded, so little is wasted");
        counters.PagesRead.Should().Be(101, "no page is read twice");
    }

    [Theory]
    [InlineData(TestPageCodec.Zlib)]
    [InlineData(TestPageCodec.Lzo)]
    [InlineData(TestPageCodec.Zstd)]
    public void Concurrent_read_aheads_and_reads_through_a_small_cache_give_the_right_bytes(TestPageCodec codec)
    {
        var w = Writer();
        using var file = Write(w, codec);
        using var dump = DumpOpener.Open(file.Path);
        var memory = new DumpPhysicalMemory(dump, cachePages: 128);
        var present = w.Pages.Keys.ToArray();
        Parallel.For(0, 4, worker =>
        {
            var rng = new Random(worker);
            var buffer = new byte[256];
            for (int round = 0; round < 40; round++)
            {
                var batch = Enumerable.Range(0, 40).Select(_ => present[rng.Next(present.Length)] * 4096).ToArray();
                memory.PrefetchPhysical(batch, 1);
                foreach (var address in batch)
                {
                    ulong pfn = address / 4096;
                    int offset = rng.Next(4096 - buffer.Length);
                    var result = memory.ReadPhysical(address + (ulong)offset, buffer);
                    if (!result.IsComplete || !buffer.AsSpan().SequenceEqual(w.Pages[pfn].AsSpan(offset, buffer.Length)))
                        Assert.Fail($"wrong bytes at 0x{address + (ulong)offset:x}");
                }
            }
        });
    }

    /// <summary>A source whose file read fails with an I/O error on every fifth frame (a bad sector, a file cut under it).</summary>
    private sealed class FailingSource(IDumpSource inner) : IDumpSource
    {
        public string FilePath => inner.FilePath;
        public string FormatName => inner.FormatName;
        public int PageSize => inner.PageSize;
        public ulong MaxPfn => inner.MaxPfn;
        public VmcoreInfo? VmcoreInfo => inner.VmcoreInfo;
        public IReadOnlyList<DumpCpuState> Cpus => inner.Cpus;
        public PageState GetPageState(ulong pfn) => inner.GetPageState(pfn);
        public PageRead ReadPage(ulong pfn, Span<byte> destination) =>
            pfn % 5 == 0 ? throw new IOException($"input/output error reading frame 0x{pfn:x}") : inner.ReadPage(pfn, destination);
        public IReadOnlyList<KeyValuePair<string, string>> Describe() => inner.Describe();
        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public void An_io_error_in_a_read_ahead_leaves_the_good_pages_read_and_the_bad_ones_to_the_walk()
    {
        var w = Writer();
        using var file = Write(w, TestPageCodec.Zlib);
        using var dump = new FailingSource(DumpOpener.Open(file.Path));
        var memory = new DumpPhysicalMemory(dump, cachePages: 2048);
        var addresses = Enumerable.Range(0, Pages).Select(p => (ulong)p * 4096).ToArray();
        // On the thread pool an escaping exception would end the test host; the read-ahead itself never throws.
        var prefetch = () => memory.PrefetchPhysical(addresses, 1);
        prefetch.Should().NotThrow();
        var buffer = new byte[64];
        memory.ReadPhysical(1 * 4096, buffer).IsComplete.Should().BeTrue();
        buffer.Should().Equal(w.Pages[1].AsSpan(0, 64).ToArray());
        // The frame the read-ahead could not read is the walk's to meet, as before read-ahead existed.
        var bad = () => memory.ReadPhysical(5 * 4096, buffer);
        bad.Should().Throw<IOException>().WithMessage("input/output error reading frame 0x5");
    }
}
