namespace DumpScope.Host.Tests.Dumps;

public class IndexStructureTests
{
    [Fact]
    public void Bitmap_rank_equals_a_naive_count_everywhere()
    {
        var rng = new Random(3);
        foreach (ulong bits in new ulong[] { 1, 63, 64, 65, 511, 512, 513, 5000, 70001 })
        {
            var bytes = new byte[(bits + 7) / 8 + 5];
            rng.NextBytes(bytes);
            // Dense and sparse stretches.
            for (int i = bytes.Length / 3; i < bytes.Length / 2; i++) bytes[i] = 0;
            var bitmap = new PageBitmap(bytes, bits);
            long naive = 0;
            for (ulong pfn = 0; pfn < bits; pfn++)
            {
                bool set = (bytes[pfn >> 3] & (1 << (int)(pfn & 7))) != 0;
                if (bitmap.Rank(pfn) != naive || bitmap.IsSet(pfn) != set)
                    Assert.Fail($"{bits} bits, pfn {pfn}: rank {bitmap.Rank(pfn)} set {bitmap.IsSet(pfn)}, expected {naive} {set}");
                if (set) naive++;
            }
            bitmap.SetCount.Should().Be(naive, "bits beyond the frame count are ignored");
            bitmap.Rank(bits).Should().Be(naive);
            bitmap.IsSet(bits).Should().BeFalse();
        }
    }

    [Fact]
    public void Interval_resolver_gives_each_point_to_the_highest_priority_interval()
    {
        var rng = new Random(5);
        for (int round = 0; round < 200; round++)
        {
            var intervals = new List<IntervalResolver.Interval>();
            int n = rng.Next(1, 12);
            for (int i = 0; i < n; i++)
            {
                long start = rng.Next(0, 100);
                intervals.Add(new IntervalResolver.Interval(start, start + rng.Next(0, 30), rng.Next(0, 5), i));
            }
            var pieces = IntervalResolver.Resolve(intervals);
            for (int k = 1; k < pieces.Count; k++)
                if (pieces[k].Start < pieces[k - 1].End) Assert.Fail($"round {round}: pieces overlap");
            for (long x = 0; x < 140; x++)
            {
                int expected = -1;
                long best = long.MinValue;
                foreach (var iv in intervals)
                    if (iv.Start <= x && x < iv.End && iv.Priority > best) // strict: among equals the earlier wins
                    {
                        best = iv.Priority;
                        expected = iv.Id;
                    }
                int actual = -1, owners = 0;
                foreach (var p in pieces)
                    if (p.Start <= x && x < p.End)
                    {
                        actual = p.Id;
                        owners++;
                    }
                if (owners > 1 || actual != expected) Assert.Fail($"round {round} point {x}: piece {actual} ({owners} owners), expected {expected}");
            }
        }
    }
}
