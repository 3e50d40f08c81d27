namespace DumpScope.Testing.DumpWriters;

/// <summary>How <see cref="DumpWriter"/> compresses kdump pages.</summary>
public enum TestPageCodec
{
    /// <summary>Pages stored as is (page_desc flags 0).</summary>
    None,
    /// <summary>zlib stream with header (flag 0x1).</summary>
    Zlib,
    /// <summary>LZO1X from <see cref="LzoTestEncoder"/> (flag 0x2).</summary>
    Lzo,
    /// <summary>snappy raw (flag 0x4).</summary>
    Snappy,
    /// <summary>zstd frame (flag 0x20).</summary>
    Zstd,
}
