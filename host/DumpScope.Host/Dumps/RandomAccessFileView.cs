using Microsoft.Win32.SafeHandles;

namespace DumpScope.Host.Dumps;

/// <summary>A dump file read with <see cref="RandomAccess"/>: positional reads on one handle, thread-safe.</summary>
internal sealed class RandomAccessFileView : DumpFileView
{
    private readonly SafeFileHandle _handle;
    private readonly long _length;

    public RandomAccessFileView(string path) : base(path)
    {
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            _length = RandomAccess.GetLength(_handle);
        }
        catch
        {
            _handle.Dispose();
            throw;
        }
    }

    public override long Length => _length;

    public override int Read(long offset, Span<byte> destination) => ReadAt(_handle, _length, offset, destination);

    /// <summary>Positional reads until <paramref name="destination"/> is full or the file (of <paramref name="length"/> bytes) ends.</summary>
    internal static int ReadAt(SafeFileHandle handle, long length, long offset, Span<byte> destination)
    {
        if (offset < 0 || offset >= length) return 0;
        if (destination.Length > length - offset) destination = destination[..(int)(length - offset)];
        int total = 0;
        while (total < destination.Length)
        {
            int n = RandomAccess.Read(handle, destination[total..], offset + total);
            if (n <= 0) break;
            total += n;
        }
        return total;
    }

    public override void Dispose() => _handle.Dispose();
}
