namespace DumpScope.Testing.DumpWriters;

/// <summary>A written kdump-compressed file and where its parts are, so tests can damage them precisely.</summary>
public sealed class KdumpImage
{
    internal KdumpImage(byte[] bytes) => Bytes = bytes;

    /// <summary>The file's bytes.</summary>
    public byte[] Bytes { get; }

    /// <summary>Block size (= page size).</summary>
    public int BlockSize { get; init; }

    /// <summary>Offset of the first bitmap; the second follows after <see cref="BitmapBytes"/>.</summary>
    public long BitmapOffset { get; init; }

    /// <summary>Size of one bitmap in bytes.</summary>
    public long BitmapBytes { get; init; }

    /// <summary>Offset of the page_desc table.</summary>
    public long DescTableOffset { get; init; }

    /// <summary>File offset of each dumped pfn's page_desc.</summary>
    public IReadOnlyDictionary<ulong, long> DescOffsets { get; init; } = new Dictionary<ulong, long>();

    /// <summary>Header field offsets by name (block_size, bitmap_blocks, max_mapnr, sub_hdr_size, status).</summary>
    public IReadOnlyDictionary<string, int> HeaderFieldOffsets { get; init; } = new Dictionary<string, int>();

    /// <summary>Offset of the kdump_sub_header.</summary>
    public long SubHeaderOffset { get; init; }
}
