namespace DumpScope.Host.Dumps;

/// <summary>
/// The one front door to dump files: sniffs the format once (ELF vmcore, kdump-compressed / diskdump,
/// flattened makedumpfile output) and returns the reader for it. A file that is none of these is refused
/// with "not a kernel dump: &lt;path&gt;: &lt;what was found at offset 0&gt;".
/// </summary>
public static class DumpOpener
{
    private const int SniffLength = 16;

    /// <summary>
    /// Opens a dump read-only. Reads headers, notes and bitmaps only; page data is read on demand.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a kernel dump, or its headers are malformed.</exception>
    /// <exception cref="NotSupportedException">A kernel dump of a kind DumpScope does not read (32-bit ELF, other architectures).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IDumpSource Open(string path, DumpOpenOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= DumpOpenOptions.Default;
        DumpFileView file = (options.UseMemoryMapping ? MemoryMappedFileView.TryOpen(path) : null) ?? (DumpFileView)new RandomAccessFileView(path);
        try
        {
            var head = new byte[SniffLength];
            int n = file.Read(0, head);
            var source = OpenView(file, head.AsSpan(0, n), options, allowFlattened: true);
            return source;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens a dump image held in memory, exactly as <see cref="Open(string, DumpOpenOptions?)"/> opens a file;
    /// <paramref name="name"/> stands for the path in messages. For fuzzing and tests.
    /// </summary>
    internal static IDumpSource OpenImage(byte[] image, string name, DumpOpenOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        var file = new ByteArrayFileView(image, name);
        return OpenView(file, image.AsSpan(0, Math.Min(SniffLength, image.Length)), options ?? DumpOpenOptions.Default, allowFlattened: true);
    }

    private static IDumpSource OpenView(DumpFileView file, ReadOnlySpan<byte> head, DumpOpenOptions options, bool allowFlattened)
    {
        if (head.Length >= 4 && head[0] == 0x7f && head[1] == (byte)'E' && head[2] == (byte)'L' && head[3] == (byte)'F')
            return ElfDumpSource.Open(file, options);
        if (KdumpDumpSource.HasSignature(head))
            return KdumpDumpSource.Open(file, options);
        if (allowFlattened && FlattenedFileView.HasSignature(head))
        {
            var flat = FlattenedFileView.Open(file, options);
            var inner = new byte[SniffLength];
            int n = flat.Read(0, inner);
            return OpenView(flat, inner.AsSpan(0, n), options, allowFlattened: false);
        }
        var what = DescribeHead(head);
        var where = file is FlattenedFileView ? " (offset 0 of the image the flattened records describe)" : "";
        throw DumpErrors.NotADump(file.FilePath, what + where);
    }

    /// <summary>Says what the first bytes look like, naming common wrappers so the user knows what to do.</summary>
    internal static string DescribeHead(ReadOnlySpan<byte> head)
    {
        if (head.Length == 0) return "empty file";
        string? known =
            head.Length >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd ? "zstd-compressed data (decompress it first)"
            : head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b ? "gzip-compressed data (decompress it first)"
            : head.Length >= 6 && head[..6].SequenceEqual(new byte[] { 0xfd, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0 }) ? "xz-compressed data (decompress it first)"
            : head.Length >= 3 && head[0] == (byte)'B' && head[1] == (byte)'Z' && head[2] == (byte)'h' ? "bzip2-compressed data (decompress it first)"
            : head.Length >= 4 && head[0] == 0x4d && head[1] == 0x44 && head[2] == 0x4d && head[3] == 0x50 ? "a Windows minidump (MDMP)"
            : null;
        var hex = Convert.ToHexString(head).ToLowerInvariant();
        var ascii = new StringBuilder(head.Length);
        foreach (var b in head) ascii.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
        var bytes = $"bytes {hex} \"{ascii}\"";
        return known is null ? bytes : $"{known}: {bytes}";
    }
}
