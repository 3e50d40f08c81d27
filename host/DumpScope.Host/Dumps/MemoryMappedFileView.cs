using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace DumpScope.Host.Dumps;

/// <summary>
/// A dump file mapped read-only: a read is a copy from the mapping, no system call, which matters because
/// a page read is otherwise dominated by one pread per page. Thread-safe. The file must not shrink while
/// it is mapped (the OS would fault the reader); <see cref="DumpOpenOptions.UseMemoryMapping"/> turns this off.
/// </summary>
internal sealed unsafe class MemoryMappedFileView : DumpFileView
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly long _length;
    private readonly Microsoft.Win32.SafeHandles.SafeFileHandle _handle;

    private MemoryMappedFileView(string path, FileStream stream, MemoryMappedFile map, MemoryMappedViewAccessor view, long length) : base(path)
    {
        _handle = stream.SafeFileHandle;
        _map = map;
        _view = view;
        _length = length;
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + view.PointerOffset;
    }

    /// <summary>Maps <paramref name="path"/>; null when the file is empty (nothing to map).</summary>
    public static MemoryMappedFileView? TryOpen(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        MemoryMappedFile? map = null;
        try
        {
            long length = stream.Length;
            if (length == 0)
            {
                stream.Dispose();
                return null;
            }
            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            var view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            return new MemoryMappedFileView(path, stream, map, view, length);
        }
        catch
        {
            if (map is not null) map.Dispose();
            else stream.Dispose();
            throw;
        }
    }

    public override long Length => _length;

    public override int Read(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset >= _length) return 0;
        int n = (int)Math.Min(destination.Length, _length - offset);
        new ReadOnlySpan<byte>(_base + offset, n).CopyTo(destination);
        return n;
    }

    /// <summary>A positional read of the file (the page cache, not this process's mapping).</summary>
    public override int ReadStreaming(long offset, Span<byte> destination) => RandomAccessFileView.ReadAt(_handle, _length, offset, destination);

    public override void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
