namespace DumpScope.Host.Tests.Dumps;

public class PageCodecFuzzTests
{
    [Theory]
    [InlineData(TestPageCodec.Zlib)]
    [InlineData(TestPageCodec.Snappy)]
    [InlineData(TestPageCodec.Zstd)]
    [InlineData(TestPageCodec.Lzo)]
    public void Mutated_pages_decode_or_fail_with_a_message(TestPageCodec writerCodec)
    {
        var codec = Enum.Parse<PageCompression>(writerCodec.ToString());
        var w = new DumpWriter();
        var samples = Enumerable.Range(0, 8).Select(i => w.CompressPage(w.PatternPage((ulong)i), writerCodec).Data).ToList();
        var rng = new Random((int)codec * 31);
        var page = new byte[4096];
        int ok = 0, failed = 0;
        for (int iteration = 0; iteration < 1500; iteration++)
        {
            var data = samples[rng.Next(samples.Count)].ToList();
            for (int m = 0; m < 1 + rng.Next(3) && data.Count > 1; m++)
            {
                int at = rng.Next(data.Count);
                switch (rng.Next(3))
                {
                    case 0: data[at] ^= (byte)(1 << rng.Next(8)); break;
                    case 1: data.RemoveRange(at, data.Count - at); break;
                    default: data[at] = (byte)rng.Next(256); break;
                }
            }
            var bytes = data.ToArray();
            var error = PageCodecs.Decompress(codec, bytes, bytes.Length, page);
            if (error is null) ok++;
            else
            {
                error.Should().NotBeEmpty();
                failed++;
            }
        }
        (ok + failed).Should().Be(1500);
        failed.Should().BeGreaterThan(0, "some mutations must be detected");
    }
}
