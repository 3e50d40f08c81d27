namespace DumpScope.Host.Tests.Dumps;

public class Lzo1xDecompressorTests
{
    private static readonly byte[] End = [0x11, 0, 0];

    private static byte[] Decode(byte[] stream, int capacity = 65536)
    {
        var output = new byte[capacity];
        var error = Lzo1xDecompressor.Decompress(stream, output, out int written);
        error.Should().BeNull();
        return output[..written];
    }

    private static string DecodeError(byte[] stream, int capacity = 4096)
    {
        var error = Lzo1xDecompressor.Decompress(stream, new byte[capacity], out _);
        error.Should().NotBeNull();
        return error!;
    }

    [Fact]
    public void First_byte_literal_run()
    {
        Decode([17 + 5, .. "hello"u8, .. End]).Should().Equal("hello"u8.ToArray());
    }

    [Fact]
    public void Distance_one_match_repeats_the_last_byte()
    {
        // 'a', then 001LLLLL with L=8 (length 10) at distance 1: an overlapping copy.
        Decode([17 + 1, (byte)'a', 0x20 | 8, 0, 0, .. End]).Should().Equal(Enumerable.Repeat((byte)'a', 11));
    }

    [Fact]
    public void Two_byte_match_after_short_literals_and_trailing_literals()
    {
        // "abc" (state 3), 0000DDSS with D=1,S=2, H=0: 2 bytes from distance 2 ("bc"), then 2 literals "xy".
        Decode([17 + 3, .. "abc"u8, 0b0000_01_10, 0, .. "xy"u8, .. End]).Should().Equal("abcbcxy"u8.ToArray());
    }

    [Fact]
    public void Three_byte_match_after_a_literal_run_reaches_2049_back()
    {
        var lit = new byte[2100];
        new Random(1).NextBytes(lit);
        // Long literal run: 0000 0000, extension 2100 - 3 - 15 = 2082 = 8 * 255 + 42.
        var stream = new List<byte> { 0 };
        stream.AddRange(new byte[8]);
        stream.Add(42);
        stream.AddRange(lit);
        stream.Add(0b0000_00_00); // after a run of 4+: 3 bytes from distance (H << 2) + D + 2049 = 2049
        stream.Add(0);
        stream.AddRange(End);
        var output = Decode(stream.ToArray());
        output.Should().HaveCount(2103);
        output[2100..].Should().Equal(lit[(2100 - 2049)..(2100 - 2049 + 3)]);
    }

    [Fact]
    public void Short_matches_within_2k()
    {
        // 01LDDDSS: L=1 (4 bytes), D=3, H=0 → distance 4 → "efgh"; then 1LLDDDSS: L=0 (5 bytes), D=7, H=0 → distance 8.
        var output = Decode([17 + 8, .. "abcdefgh"u8, 0b01_1_011_00, 0, 0b1_00_111_00, 0, .. End]);
        Encoding.ASCII.GetString(output).Should().Be("abcdefgh" + "efgh" + "efghe");
    }

    [Fact]
    public void Far_match_in_the_16k_to_48k_window()
    {
        var lit = new byte[20000];
        new Random(2).NextBytes(lit);
        var stream = new List<byte> { 0 };
        int ext = 20000 - 3 - 15;
        for (int i = 0; i < (ext - 1) / 255; i++) stream.Add(0);
        stream.Add((byte)(ext - (ext - 1) / 255 * 255));
        stream.AddRange(lit);
        // 0001HLLL: H=0, L=1 (3 bytes); LE16 = 100 << 2 → distance 16384 + 100.
        stream.AddRange(new byte[] { 0x11, (100 << 2) & 0xff, (100 << 2) >> 8 });
        stream.AddRange(End);
        var output = Decode(stream.ToArray());
        output.Should().HaveCount(20003);
        output[20000..].Should().Equal(lit[(20000 - 16484)..(20000 - 16484 + 3)]);
    }

    [Fact]
    public void Test_encoder_output_round_trips()
    {
        var w = new DumpWriter();
        for (ulong pfn = 0; pfn < 50; pfn++)
        {
            var page = w.PatternPage(pfn);
            Decode(LzoTestEncoder.Encode(page)).Should().Equal(page);
            Decode(LzoTestEncoder.Encode(page, literalOnly: true)).Should().Equal(page);
        }
        Decode(LzoTestEncoder.Encode(new byte[4096])).Should().Equal(new byte[4096]);
    }

    [Fact]
    public void Malformed_streams_fail_with_a_message()
    {
        DecodeError([]).Should().Contain("empty input");
        DecodeError([17 + 3, .. "abc"u8]).Should().Contain("without an end-of-stream marker");
        DecodeError([17 + 5, .. "abc"u8]).Should().Contain("overruns the input");
        DecodeError([17 + 1, (byte)'a', 0x20 | 8, 0x40, 0x00, .. End]).Should().Contain("back but only");
        DecodeError([17 + 1, (byte)'a', 0x20 | 8, 0, 0, .. End], capacity: 5).Should().Contain("overruns the 5-byte output");
        DecodeError([17 + 1, (byte)'a', .. End, 0x99]).Should().Contain("follow the end-of-stream marker");
        DecodeError([17 + 1, (byte)'a', 0x20, 0, 0, 0]).Should().Contain("truncated");
        DecodeError([16 | 1, 4, 0]).Should().Contain("back but only", "a far match at the start copies from an empty dictionary");
        DecodeError([16, 0, 0]).Should().Contain("truncated match length");
    }

    [SkippableFact]
    public void Mutated_pages_only_ever_succeed_or_fail_cleanly()
    {
        var samples = new List<byte[]>();
        var w = new DumpWriter();
        for (ulong pfn = 0; pfn < 8; pfn++) samples.Add(LzoTestEncoder.Encode(w.PatternPage(pfn)));
        // Real liblzo output from the kd1 capture when the fixture is there (it has every instruction kind).
        if (Fixtures.Root is not null && File.Exists(Path.Combine(Fixtures.Root, "kd1/vmcore.kdump-lzo-d31")))
        {
            using var dump = (KdumpDumpSource)DumpOpener.Open(Fixtures.Kd1Lzo);
            for (ulong pfn = 0; pfn < dump.MaxPfn && samples.Count < 40; pfn += 997)
                if (dump.ReadStoredPage(pfn) is { Codec: PageCompression.Lzo } stored)
                    samples.Add(stored.Data);
        }

        var rng = new Random(12345);
        var output = new byte[4096];
        int ok = 0, failed = 0;
        for (int iteration = 0; iteration < 4000; iteration++)
        {
            var data = samples[rng.Next(samples.Count)].ToList();
            int mutations = 1 + rng.Next(4);
            for (int m = 0; m < mutations && data.Count > 0; m++)
            {
                int at = rng.Next(data.Count);
                switch (rng.Next(5))
                {
                    case 0: data[at] ^= (byte)(1 << rng.Next(8)); break;
                    case 1: data[at] = (byte)rng.Next(256); break;
                    case 2: data.RemoveRange(at, data.Count - at); break;
                    case 3: data.InsertRange(at, Enumerable.Range(0, rng.Next(1, 8)).Select(_ => (byte)rng.Next(256))); break;
                    default: data.RemoveRange(at, Math.Min(rng.Next(1, 16), data.Count - at)); break;
                }
            }
            var error = Lzo1xDecompressor.Decompress(data.ToArray(), output, out int written);
            written.Should().BeInRange(0, output.Length);
            if (error is null) ok++;
            else
            {
                error.Should().StartWith("LZO1X");
                failed++;
            }
        }
        failed.Should().BeGreaterThan(0);
        (ok + failed).Should().Be(4000);
    }
}
