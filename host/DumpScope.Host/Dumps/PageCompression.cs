namespace DumpScope.Host.Dumps;

/// <summary>How a kdump page (or the whole file, in the header's status) is compressed.</summary>
internal enum PageCompression
{
    /// <summary>Stored as is.</summary>
    None,
    /// <summary>zlib stream with header (makedumpfile -c).</summary>
    Zlib,
    /// <summary>LZO1X (makedumpfile -l).</summary>
    Lzo,
    /// <summary>snappy raw format (makedumpfile -p).</summary>
    Snappy,
    /// <summary>zstd frame (makedumpfile -z).</summary>
    Zstd,
}
