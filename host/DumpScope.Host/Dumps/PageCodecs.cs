using System.IO.Compression;
using ZstdSharp;

namespace DumpScope.Host.Dumps;

/// <summary>
/// Decompresses one kdump page. Every codec must yield exactly one page; anything else is reported as a
/// failure text (the caller turns it into a Corrupt page), never an exception. Codec state is per thread.
/// </summary>
internal static class PageCodecs
{
    /// <summary>page_desc / header status flag bits.</summary>
    public const uint FlagZlib = 0x1, FlagLzo = 0x2, FlagSnappy = 0x4, FlagIncomplete = 0x8, FlagExcludedVmemmap = 0x10, FlagZstd = 0x20;

    [ThreadStatic] private static ArraySegmentStream? t_zlibInput;
    [ThreadStatic] private static byte[]? t_probe;
    [ThreadStatic] private static Decompressor? t_zstd;

    /// <summary>The codec a page_desc's flags select, or null when the flags name none or several.</summary>
    public static PageCompression? FromPageFlags(uint flags)
    {
        uint codec = flags & (FlagZlib | FlagLzo | FlagSnappy | FlagZstd);
        return codec switch
        {
            0 => PageCompression.None,
            FlagZlib => PageCompression.Zlib,
            FlagLzo => PageCompression.Lzo,
            FlagSnappy => PageCompression.Snappy,
            FlagZstd => PageCompression.Zstd,
            _ => null,
        };
    }

    /// <summary>The codec named in the header's status (what the file was written with).</summary>
    public static PageCompression FromHeaderStatus(uint status) =>
        (status & FlagZlib) != 0 ? PageCompression.Zlib
        : (status & FlagLzo) != 0 ? PageCompression.Lzo
        : (status & FlagSnappy) != 0 ? PageCompression.Snappy
        : (status & FlagZstd) != 0 ? PageCompression.Zstd
        : PageCompression.None;

    /// <summary>
    /// Decompresses <paramref name="length"/> bytes of <paramref name="source"/> into exactly
    /// <paramref name="destination"/>. Returns null on success, else why it failed.
    /// </summary>
    public static string? Decompress(PageCompression codec, byte[] source, int length, Span<byte> destination)
    {
        try
        {
            return codec switch
            {
                PageCompression.None => CopyStored(source.AsSpan(0, length), destination),
                PageCompression.Zlib => Inflate(source, length, destination),
                PageCompression.Lzo => Lzo1xDecompressor.Decompress(source.AsSpan(0, length), destination, out int n) is { } error
                    ? error
                    : n == destination.Length ? null : $"LZO1X produced {n} bytes, expected {destination.Length}",
                PageCompression.Snappy => Unsnap(source.AsSpan(0, length), destination),
                PageCompression.Zstd => Unzstd(source.AsSpan(0, length), destination),
                _ => $"unknown codec {codec}",
            };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Hostile page data must become a Corrupt page, and the third-party decoders do not document
            // every exception they throw on bad input (zlib: InvalidDataException, zstd: ZstdException, …).
            return $"{codec} data is damaged: {e.Message}";
        }
    }

    private static string? CopyStored(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (source.Length != destination.Length)
            return $"uncompressed page is {source.Length} bytes, expected {destination.Length}";
        source.CopyTo(destination);
        return null;
    }

    private static string? Inflate(byte[] source, int length, Span<byte> destination) =>
        ZlibPageInflater.Available ? ZlibPageInflater.InflatePage(source.AsSpan(0, length), destination) : InflateWithStream(source, length, destination);

    /// <summary>A <see cref="ZLibStream"/> per page: where the runtime's zlib cannot be bound, and the reference in tests.</summary>
    internal static string? InflateWithStream(byte[] source, int length, Span<byte> destination)
    {
        var input = t_zlibInput ??= new ArraySegmentStream();
        input.Reset(source, 0, length);
        using var z = new ZLibStream(input, CompressionMode.Decompress, leaveOpen: true);
        int total = z.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        if (total != destination.Length)
            return $"zlib data inflated to {total} bytes, expected {destination.Length}";
        var probe = t_probe ??= new byte[1];
        if (z.Read(probe, 0, 1) != 0)
            return $"zlib data inflates to more than {destination.Length} bytes";
        return null;
    }

    private static string? Unsnap(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int expected = Snappier.Snappy.GetUncompressedLength(source);
        if (expected != destination.Length)
            return $"snappy data claims {expected} bytes, expected {destination.Length}";
        int n = Snappier.Snappy.Decompress(source, destination);
        return n == destination.Length ? null : $"snappy data produced {n} bytes, expected {destination.Length}";
    }

    private static string? Unzstd(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var zstd = t_zstd ??= new Decompressor();
        int n = zstd.Unwrap(source, destination);
        return n == destination.Length ? null : $"zstd data produced {n} bytes, expected {destination.Length}";
    }
}
