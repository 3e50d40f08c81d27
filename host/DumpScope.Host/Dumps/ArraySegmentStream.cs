namespace DumpScope.Host.Dumps;

/// <summary>
/// A minimal read-only stream over part of an array that can be re-pointed, so one instance per thread
/// feeds <see cref="System.IO.Compression.ZLibStream"/> page after page without allocating.
/// </summary>
internal sealed class ArraySegmentStream : Stream
{
    private byte[] _buffer = [];
    private int _start;
    private int _length;
    private int _position;

    public void Reset(byte[] buffer, int start, int length)
    {
        _buffer = buffer;
        _start = start;
        _length = length;
        _position = 0;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(buffer.Length, _length - _position);
        _buffer.AsSpan(_start + _position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
