namespace DumpScope.Host.Dumps;

/// <summary>
/// A dump image held in memory: lets the fuzz harnesses and robustness tests drive the real readers over
/// bytes they made or mutated, without a temporary file per input.
/// </summary>
internal sealed class ByteArrayFileView(byte[] image, string name) : DumpFileView(name)
{
    public override long Length => image.Length;

    public override int Read(long offset, Span<byte> destination)
    {
        if (offset < 0 || offset >= image.Length) return 0;
        int n = (int)Math.Min(destination.Length, image.Length - offset);
        image.AsSpan((int)offset, n).CopyTo(destination);
        return n;
    }

    public override void Dispose() { }
}
