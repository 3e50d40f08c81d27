namespace DumpScope.Host.Tests.Dumps;

public class DumpPhysicalMemoryTests : IDisposable
{
    private readonly DumpWriter _writer = SyntheticDumps.Standard();
    private readonly TempDumpFile _file;

    public DumpPhysicalMemoryTests() => _file = new TempDumpFile(_writer.WriteKdump(new KdumpWriterOptions { Codec = TestPageCodec.Zstd }).Bytes);

    public void Dispose() => _file.Dispose();

    private byte[] Expected(ulong address, int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            ulong a = address + (ulong)i;
            bytes[i] = _writer.Pages.TryGetValue(a / 4096, out var page) ? page[a % 4096] : (byte)0;
        }
        return bytes;
    }

    [Fact]
    public void Reads_across_page_boundaries()
    {
        using var dump = DumpOpener.Open(_file.Path);
        var memory = new DumpPhysicalMemory(dump);
        var buffer = new byte[3 * 4096 + 10];
        ulong at = 2 * 4096 + 4000;
        var result = memory.ReadPhysical(at, buffer);
        result.IsComplete.Should().BeTrue();
        result.BytesRead.Should().Be(buffer.Length);
        buffer.Should().Equal(Expected(at, buffer.Length));
    }

    [Fact]
    public void Stops_at_the_first_excluded_byte_with_its_address()
    {
        using var dump = DumpOpener.Open(_file.Path);
        var memory = new DumpPhysicalMemory(dump);
        var buffer = new byte[8192];
        ulong at = 20 * 4096 + 100; // pfn 20 present, 21 excluded
        var result = memory.ReadPhysical(at, buffer);
        result.BytesRead.Should().Be(4096 - 100);
        result.Fault.Should().NotBeNull();
        result.Fault!.Kind.Should().Be(MemoryFaultKind.Excluded);
        result.Fault.Address.Should().Be(21 * 4096UL);
        result.Fault.IsPhysical.Should().BeTrue();
        result.Fault.Message.Should().StartWith("page excluded: physical address: 15000");
        buffer.AsSpan(0, result.BytesRead).ToArray().Should().Equal(Expected(at, result.BytesRead));

        var hole = memory.ReadPhysical(70 * 4096 + 8, new byte[8]).Fault!;
        hole.Kind.Should().Be(MemoryFaultKind.NotInDump);
        hole.Address.Should().Be(70 * 4096UL + 8);
        memory.ReadPhysical(1UL << 50, new byte[1]).Fault!.Kind.Should().Be(MemoryFaultKind.NotInDump);
    }

    [Fact]
    public void Zero_fill_mode_reads_excluded_pages_as_zeros_but_not_holes()
    {
        using var dump = DumpOpener.Open(_file.Path);
        var memory = new DumpPhysicalMemory(dump, zeroFillExcluded: true);
        var buffer = new byte[7 * 4096];
        Array.Fill(buffer, (byte)0xAA);
        var result = memory.ReadPhysical(20 * 4096, buffer); // 20 present, 21..25 excluded, 26 present
        result.IsComplete.Should().BeTrue();
        buffer.Should().Equal(Expected(20 * 4096, buffer.Length));
        memory.ReadPhysical(70 * 4096, new byte[8]).Fault!.Kind.Should().Be(MemoryFaultKind.NotInDump);
    }

    [Fact]
    public void A_small_cache_under_random_concurrent_reads_returns_right_bytes()
    {
        using var dump = DumpOpener.Open(_file.Path);
        var memory = new DumpPhysicalMemory(dump, zeroFillExcluded: true, cachePages: 16);
        var present = _writer.Pages.Keys.ToArray();
        Parallel.For(0, 4, worker =>
        {
            var rng = new Random(worker);
            var buffer = new byte[300];
            for (int i = 0; i < 3000; i++)
            {
                ulong pfn = present[rng.Next(present.Length)];
                ulong at = pfn * 4096 + (ulong)rng.Next(4096 - buffer.Length);
                var result = memory.ReadPhysical(at, buffer);
                if (!result.IsComplete || !buffer.AsSpan().SequenceEqual(_writer.Pages[pfn].AsSpan((int)(at - pfn * 4096), buffer.Length)))
                    Assert.Fail($"wrong bytes at 0x{at:x}");
            }
        });
    }

    [Fact]
    public void A_working_set_as_large_as_the_cache_stays_resident()
    {
        var w = new DumpWriter();
        for (ulong p = 0; p < 600; p++) w.AddPage(p * 3, w.PatternPage(p)); // strided frames, uneven low bits
        using var file = new TempDumpFile(w.WriteKdump().Bytes);
        using var dump = DumpOpener.Open(file.Path);
        var memory = new DumpPhysicalMemory(dump, cachePages: 512);
        var buffer = new byte[16];
        var set = w.Pages.Keys.Take(480).ToArray();
        foreach (var pfn in set) memory.ReadPhysical(pfn * 4096, buffer);
        long misses = memory.CacheMisses;
        misses.Should().Be(set.Length);
        for (int round = 0; round < 3; round++)
            foreach (var pfn in set) memory.ReadPhysical(pfn * 4096 + 8, buffer).IsComplete.Should().BeTrue();
        memory.CacheMisses.Should().Be(misses, "every page of the working set is still cached");
        memory.ClearCache();
        memory.ReadPhysical(set[0] * 4096, buffer);
        memory.CacheMisses.Should().Be(misses + 1);
    }
}
