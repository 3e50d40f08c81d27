namespace DumpScope.Host.Dumps;

/// <summary>
/// Positional, thread-safe reads of a dump image: either the file itself or the image a flattened file
/// describes. Readers never share a stream position, so concurrent page reads need no lock.
/// </summary>
internal abstract class DumpFileView : IDisposable
{
    protected DumpFileView(string path) => FilePath = path;

    /// <summary>The file on disk.</summary>
    public string FilePath { get; }

    /// <summary>Length of the image in bytes.</summary>
    public abstract long Length { get; }

    /// <summary>Size of the file on disk (differs from <see cref="Length"/> for a flattened file's image).</summary>
    public virtual long DiskLength => Length;

    /// <summary>
    /// Reads up to <paramref name="destination"/>.Length bytes at <paramref name="offset"/>; returns how many were
    /// read before the end of the image or a hole (a flattened file that never wrote that range).
    /// </summary>
    public abstract int Read(long offset, Span<byte> destination);

    /// <summary>Reads exactly, or throws <see cref="InvalidDataException"/> (via <see cref="DumpErrors"/>) saying what was being read.</summary>
    public void ReadExactly(long offset, Span<byte> destination, string what)
    {
        if (offset < 0)
            throw DumpErrors.Malformed(FilePath, offset, $"{what}: negative offset");
        int read = Read(offset, destination);
        if (read != destination.Length)
            throw DumpErrors.Malformed(FilePath, offset,
                $"{what}: expected {destination.Length} bytes, the file has {Math.Max(0, read)} there (image length {Length})");
    }

    /// <summary>
    /// True when every byte of the range can be read: inside the image, and for a flattened file written by
    /// some record (a hole reads short). Lazy readers check this at open so that later reads cannot fail.
    /// </summary>
    public virtual bool Covers(long offset, long length) => offset >= 0 && length >= 0 && offset <= Length - length;

    /// <summary>
    /// Reads like <see cref="Read"/> for one pass over a large range (a whole bitmap): a mapped view reads the
    /// file instead of touching the mapping, so the pass does not add the range to the process's resident set.
    /// </summary>
    public virtual int ReadStreaming(long offset, Span<byte> destination) => Read(offset, destination);

    /// <summary><see cref="ReadExactly"/> through <see cref="ReadStreaming"/>.</summary>
    public void ReadExactlyStreaming(long offset, Span<byte> destination, string what)
    {
        int read = offset < 0 ? 0 : ReadStreaming(offset, destination);
        if (read != destination.Length)
            throw DumpErrors.Malformed(FilePath, offset,
                $"{what}: expected {destination.Length} bytes, the file has {Math.Max(0, read)} there (image length {Length})");
    }

    /// <summary>Closes the underlying file.</summary>
    public abstract void Dispose();
}
