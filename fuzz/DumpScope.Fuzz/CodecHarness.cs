using DumpScope.Host.Dumps;

namespace DumpScope.Fuzz;

/// <summary>The page decompressors: any input must decode to one page or yield a failure text.</summary>
internal static class CodecHarness
{
    private const int PageSize = 4096;

    [ThreadStatic] private static byte[]? t_page;

    public static void Lzo(byte[] data)
    {
        // Called directly: PageCodecs would turn an escaping exception into a failure text and hide the bug.
        var page = t_page ??= new byte[PageSize];
        var error = Lzo1xDecompressor.Decompress(data, page, out int written);
        if (written < 0 || written > page.Length)
            throw new InvalidOperationException($"LZO1X reported {written} bytes written into a {page.Length}-byte page");
        if (error is not null && error.Length == 0)
            throw new InvalidOperationException("LZO1X failed with an empty message");
    }

    public static void Zlib(byte[] data) => Codec(PageCompression.Zlib, data);

    public static void Snappy(byte[] data) => Codec(PageCompression.Snappy, data);

    public static void Zstd(byte[] data) => Codec(PageCompression.Zstd, data);

    private static void Codec(PageCompression codec, byte[] data)
    {
        var page = t_page ??= new byte[PageSize];
        var error = PageCodecs.Decompress(codec, data, data.Length, page);
        if (error is not null && error.Length == 0)
            throw new InvalidOperationException($"{codec} failed with an empty message");
    }
}
