using DumpScope.Plugins.Memory.Log;
using DumpScope.Sdk.Linux.Printk;
using DumpScope.Testing;

namespace DumpScope.Plugins.Memory.Tests;

/// <summary>
/// The real kd1 ring buffer with parts of it replaced by garbage or made unreadable: records are skipped and
/// counted, the rest still read, and the walk always ends.
/// </summary>
public sealed class LogCorruptionTests(Kd1Session kd1) : IClassFixture<Kd1Session>
{
    private sealed record Ring(ulong Rb, ulong Descs, ulong DescsSize, ulong DescSize, ulong Data, ulong DataSize, ulong HeadId, ulong Head, ulong Tail);

    private Ring Locate()
    {
        var kernel = kd1.Analyzer.Kernel;
        var rb = kernel.Global("prb", "struct printk_ringbuffer *").Deref();
        int countBits = (int)rb["desc_ring.count_bits"].ReadUnsigned();
        int sizeBits = (int)rb["text_data_ring.size_bits"].ReadUnsigned();
        ulong descSize = kernel.Types.Require("struct prb_desc").Size;
        return new Ring(rb.Address, rb["desc_ring.descs"].ReadPointer(), (1UL << countBits) * descSize, descSize,
            rb["text_data_ring.data"].ReadPointer(), 1UL << sizeBits, rb["desc_ring.head_id"].Address,
            rb["desc_ring.head_id.counter"].ReadUnsigned(), rb["desc_ring.tail_id.counter"].ReadUnsigned());
    }

    private static KernelLog ReadBounded(IKernel kernel)
    {
        var task = Task.Run(() => KernelLogReader.Read(kernel));
        task.Wait(TimeSpan.FromSeconds(60)).Should().BeTrue("the log walk must end");
        return task.Result;
    }

    [SkippableFact]
    public void Garbage_descriptors_are_skipped_and_counted()
    {
        var ring = Locate();
        var clean = kd1.Analyzer.Log;
        // 64 descriptors of garbage in the middle of the used part (tail_id..head_id) of the descriptor ring.
        ulong count = ring.DescsSize / ring.DescSize;
        ulong middle = (ring.Tail + ((ring.Head - ring.Tail) & ((1UL << 62) - 1)) / 2) & (count - 1);
        middle = Math.Min(middle, count - 64);
        var memory = new FaultInjectingMemory(kd1.Analyzer.Kernel.Memory).Garbage(ring.Descs + middle * ring.DescSize, 64 * ring.DescSize);
        var log = ReadBounded(new KernelWithMemory(kd1.Analyzer.Kernel, memory));
        log.Skipped.Should().BeGreaterThan(0);
        log.Records.Count.Should().BeLessThan(clean.Records.Count);
        log.Problems.Should().Contain(p => p.Contains("skipped as garbage", StringComparison.Ordinal));
        // What is left is exactly the clean log minus the skipped records.
        var cleanTexts = clean.Records.Select(r => (r.Sequence, r.Text)).ToHashSet();
        log.Records.Where(r => !cleanTexts.Contains((r.Sequence, r.Text))).Should().BeEmpty();
        (log.Records.Count + log.Skipped).Should().BeGreaterThanOrEqualTo(clean.Records.Count);
    }

    [SkippableFact]
    public void A_garbage_descriptor_ring_ends_with_nothing_read()
    {
        var ring = Locate();
        var memory = new FaultInjectingMemory(kd1.Analyzer.Kernel.Memory).Garbage(ring.Descs, ring.DescsSize);
        var log = ReadBounded(new KernelWithMemory(kd1.Analyzer.Kernel, memory));
        log.Records.Should().BeEmpty();
        log.Skipped.Should().BeGreaterThan(0);
    }

    [SkippableFact]
    public void Garbage_head_and_tail_ids_are_bounded_by_the_ring()
    {
        var ring = Locate();
        // head_id and tail_id are adjacent atomic_long_t in prb_desc_ring.
        var memory = new FaultInjectingMemory(kd1.Analyzer.Kernel.Memory).Garbage(ring.HeadId, 16);
        var log = ReadBounded(new KernelWithMemory(kd1.Analyzer.Kernel, memory));
        ulong descCount = ring.DescsSize / ring.DescSize;
        ((ulong)(log.Records.Count + log.Skipped + log.Incomplete)).Should().BeLessThanOrEqualTo(descCount);
    }

    [SkippableFact]
    public void Unreadable_or_garbage_text_skips_only_the_records_there()
    {
        var ring = Locate();
        var clean = kd1.Analyzer.Log;
        var excluded = new FaultInjectingMemory(kd1.Analyzer.Kernel.Memory).Exclude(ring.Data + 4096, 4096);
        var log = ReadBounded(new KernelWithMemory(kd1.Analyzer.Kernel, excluded));
        log.Skipped.Should().BeGreaterThan(0);
        log.Records.Count.Should().BeGreaterThan(clean.Records.Count / 2);
        log.Problems.Should().Contain(p => p.Contains("page excluded", StringComparison.Ordinal));

        var garbage = new FaultInjectingMemory(kd1.Analyzer.Kernel.Memory).Garbage(ring.Data, ring.DataSize);
        var none = ReadBounded(new KernelWithMemory(kd1.Analyzer.Kernel, garbage));
        none.Records.Should().BeEmpty("every text block's id is checked against its descriptor");
        none.Skipped.Should().Be(clean.Records.Count);
    }
}
