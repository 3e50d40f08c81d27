namespace DumpScope.Host.Symbols;

/// <summary>
/// Sequential reads of kernel virtual memory through a buffer, for tables whose length is only known by
/// walking them (kallsyms_names). Not thread-safe; one per decode.
/// </summary>
internal sealed class KernelMemoryCursor
{
    private readonly IKernelMemory _memory;
    private readonly byte[] _buffer;
    private ulong _bufferAddress;
    private int _start;
    private int _end;

    public KernelMemoryCursor(IKernelMemory memory, ulong address, int bufferSize = 64 * 1024)
    {
        _memory = memory;
        _buffer = new byte[bufferSize];
        _bufferAddress = address;
    }

    /// <summary>The address of the next unread byte.</summary>
    public ulong Position => _bufferAddress + (ulong)_start;

    /// <summary>The fault that stopped the last refill, if any.</summary>
    public MemoryFault? Fault { get; private set; }

    /// <summary>
    /// Makes at least <paramref name="count"/> bytes available and returns them (valid until the next call);
    /// false when memory could not supply them (see <see cref="Fault"/>).
    /// </summary>
    public bool TryPeek(int count, out ReadOnlySpan<byte> bytes)
    {
        if (_end - _start < count && !Refill(count))
        {
            bytes = default;
            return false;
        }
        bytes = _buffer.AsSpan(_start, count);
        return true;
    }

    /// <summary>Consumes <paramref name="count"/> bytes made available by <see cref="TryPeek"/>.</summary>
    public void Advance(int count) => _start += count;

    private bool Refill(int count)
    {
        if (count > _buffer.Length) throw new ArgumentOutOfRangeException(nameof(count), $"at most {_buffer.Length} bytes at once");
        int kept = _end - _start;
        _buffer.AsSpan(_start, kept).CopyTo(_buffer);
        _bufferAddress += (ulong)_start;
        _start = 0;
        _end = kept;
        var result = _memory.ReadVirtual(_bufferAddress + (ulong)kept, _buffer.AsSpan(kept));
        _end += result.BytesRead;
        Fault = result.Fault;
        return _end >= count;
    }
}
