using System.IO.Compression;

namespace DumpScope.Host.Tests.Dumps;

/// <summary>The reset zlib stream against a ZLibStream per page, on good, short, long and damaged pages.</summary>
public class ZlibPageInflaterTests
{
    private static byte[] Compress(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var z = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true)) z.Write(data);
        return output.ToArray();
    }

    [Fact]
    public void The_runtime_zlib_binds_here()
    {
        // Framework-dependent test hosts load libSystem.IO.Compression.Native from the shared framework.
        ZlibPageInflater.Available.Should().BeTrue();
    }

    [Fact]
    public void Pages_inflate_as_with_a_stream_per_page()
    {
        var w = new DumpWriter();
        var native = new byte[4096];
        var managed = new byte[4096];
        for (ulong pfn = 0; pfn < 64; pfn++)
        {
            var stored = w.CompressPage(w.PatternPage(pfn), TestPageCodec.Zlib).Data;
            ZlibPageInflater.InflatePage(stored, native).Should().BeNull();
            PageCodecs.InflateWithStream(stored, stored.Length, managed).Should().BeNull();
            native.Should().Equal(managed);
            native.Should().Equal(w.PatternPage(pfn));
        }
    }

    [Fact]
    public void A_stream_of_the_wrong_length_is_refused_as_with_a_stream()
    {
        var page = new byte[4096];
        var rng = new Random(5);
        var shortPage = new byte[4000];
        rng.NextBytes(shortPage);
        var longPage = new byte[5000];
        rng.NextBytes(longPage);
        foreach (var stored in new[] { Compress(shortPage), Compress(longPage) })
        {
            var native = ZlibPageInflater.InflatePage(stored, page);
            var managed = PageCodecs.InflateWithStream(stored, stored.Length, page);
            native.Should().NotBeNull();
            managed.Should().NotBeNull();
            native.Should().StartWith("zlib data inflate");
        }
        ZlibPageInflater.InflatePage(Compress(shortPage), page).Should().Contain("4000 bytes");
        ZlibPageInflater.InflatePage(Compress(longPage), page).Should().Contain("more than 4096");
    }

    [Fact]
    public void Damaged_streams_fail_with_a_message_and_the_next_page_still_inflates()
    {
        var w = new DumpWriter();
        var good = w.CompressPage(w.PatternPage(7), TestPageCodec.Zlib).Data;
        var page = new byte[4096];
        var rng = new Random(11);
        int failed = 0;
        for (int i = 0; i < 300; i++)
        {
            var bad = good.ToArray();
            bad[rng.Next(bad.Length)] ^= (byte)(1 << rng.Next(8));
            var native = ZlibPageInflater.InflatePage(bad, page);
            string? managed;
            try
            {
                managed = PageCodecs.InflateWithStream(bad, bad.Length, new byte[4096]);
            }
            catch (InvalidDataException e)
            {
                managed = e.Message; // PageCodecs.Decompress turns it into the same kind of answer
            }
            (native is null).Should().Be(managed is null, "both accept or both refuse flipped bit {0}", i);
            if (native is not null)
            {
                failed++;
                native.Should().NotBeEmpty();
            }
            ZlibPageInflater.InflatePage(good, page).Should().BeNull("a failed page leaves the stream usable");
            page.Should().Equal(w.PatternPage(7));
        }
        failed.Should().BeGreaterThan(0);
    }
}
