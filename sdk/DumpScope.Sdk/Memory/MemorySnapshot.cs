namespace DumpScope.Sdk.Memory;

/// <summary>
/// A copy of a range of kernel virtual memory read page by page: the pages that could be read are kept, and each
/// page that could not keeps the <see cref="MemoryFault"/> that stopped it (its "hole"). A read of bytes inside the
/// range returns the data, or the fault of the first hole it touches; one excluded page costs only the members in it.
/// This is the one way objects with holes are read (<c>KernelObject.Load</c> and every helper use it).
/// </summary>
public sealed class MemorySnapshot
{
    private readonly byte[] _data;
    private readonly int _length;
    private readonly MemoryHole[] _holes;

    private MemorySnapshot(ulong address, byte[] data, MemoryHole[] holes, int? length = null)
    {
        Address = address;
        _data = data;
        _length = length ?? data.Length;
        _holes = holes;
    }

    /// <summary>The first address of the range.</summary>
    public ulong Address { get; }

    /// <summary>Bytes in the range (read or not).</summary>
    public int Length => _length;

    /// <summary>True when every byte of the range was read.</summary>
    public bool IsComplete => _holes.Length == 0;

    /// <summary>The ranges that could not be read, in address order.</summary>
    public IReadOnlyList<MemoryHole> Holes => _holes;

    /// <summary>The fault of the first hole, or null when complete.</summary>
    public MemoryFault? FirstFault => _holes.Length == 0 ? null : _holes[0].Fault;

    /// <summary>
    /// Reads <paramref name="length"/> bytes at <paramref name="address"/>. One read when nothing faults; after a
    /// fault the rest is read page by page (<paramref name="pageSize"/>), so that later pages survive a hole.
    /// <paramref name="context"/> (a C type name) is put into each hole's fault.
    /// </summary>
    public static MemorySnapshot Read(IKernelMemory memory, ulong address, int length, int pageSize = 4096, string? context = null) =>
        Read(memory, address, length, pageSize, context, null);

    /// <summary>
    /// Like <see cref="Read(IKernelMemory, ulong, int, int, string?)"/> but into <paramref name="buffer"/> (at least
    /// <paramref name="length"/> bytes) when one is given: the snapshot is then valid only until the caller uses the
    /// buffer again, so a walk that reads 100,000 objects and keeps a few members of each (<see cref="Slice"/>) makes
    /// no array per object.
    /// </summary>
    public static MemorySnapshot Read(IKernelMemory memory, ulong address, int length, int pageSize, string? context, byte[]? buffer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (pageSize <= 0 || (pageSize & (pageSize - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "not a power of two");
        if (buffer is not null && buffer.Length < length) throw new ArgumentException($"buffer holds {buffer.Length} bytes, {length} are read", nameof(buffer));
        var data = buffer ?? new byte[length];
        List<MemoryHole>? holes = null;
        var first = memory.ReadVirtual(address, data.AsSpan(0, length));
        int done = first.BytesRead;
        while (done < length)
        {
            // The page holding the first unread byte is (at least partly) a hole; skip to the next page.
            ulong at = address + (ulong)done;
            int toPageEnd = (int)Math.Min((ulong)(length - done), (ulong)pageSize - (at & (ulong)(pageSize - 1)));
            MemoryFault fault;
            holes ??= [];
            if (holes.Count == 0 && first.Fault is { } f) fault = f;
            else
            {
                var result = memory.ReadVirtual(at, data.AsSpan(done, toPageEnd));
                if (result.Fault is null)
                {
                    done += toPageEnd;
                    continue;
                }
                done += result.BytesRead;
                at += (ulong)result.BytesRead;
                toPageEnd -= result.BytesRead;
                fault = result.Fault;
            }
            // A reused buffer holds the previous object's bytes: a hole reads as zeros either way.
            if (buffer is not null) data.AsSpan(done, toPageEnd).Clear();
            Add(holes, new MemoryHole(at, toPageEnd, context is null ? fault : fault.WithContext(context)));
            done += toPageEnd;
        }
        return new MemorySnapshot(address, data, holes is null ? [] : holes.ToArray(), length);
    }

    /// <summary>A complete snapshot of bytes already in hand (tests, copies made elsewhere).</summary>
    public static MemorySnapshot FromBytes(ulong address, byte[] data) => new(address, data, []);

    /// <summary>
    /// A copy of the part [<paramref name="address"/>, +<paramref name="length"/>) of this range, its holes cut to it,
    /// so that a small part can be kept without the whole. Throws <see cref="ArgumentOutOfRangeException"/> outside the range.
    /// </summary>
    public MemorySnapshot Slice(ulong address, int length)
    {
        if (!Covers(address, length))
            throw new ArgumentOutOfRangeException(nameof(address), $"{address:x}+{length} is outside the {_length} bytes read at {Address:x}");
        var data = _data.AsSpan((int)(address - Address), length).ToArray();
        if (_holes.Length == 0) return new MemorySnapshot(address, data, []);
        var holes = new List<MemoryHole>();
        ulong end = address + (ulong)length;
        foreach (var hole in _holes)
        {
            ulong from = Math.Max(hole.Address, address), to = Math.Min(hole.Address + (ulong)hole.Length, end);
            if (from < to) holes.Add(hole with { Address = from, Length = (int)(to - from), Fault = from == hole.Address ? hole.Fault : hole.Fault with { Address = from } });
        }
        return new MemorySnapshot(address, data, holes.ToArray());
    }

    /// <summary>True when [<paramref name="address"/>, +<paramref name="length"/>) lies inside the range (read or not).</summary>
    public bool Covers(ulong address, int length) =>
        address >= Address && length >= 0 && address - Address <= (ulong)_length && (ulong)length <= (ulong)_length - (address - Address);

    /// <summary>True when [<paramref name="address"/>, +<paramref name="length"/>) lies inside the range and was read.</summary>
    public bool IsReadable(ulong address, int length) => Covers(address, length) && FaultIn(address, length) is null;

    /// <summary>
    /// Copies the bytes at <paramref name="address"/> into <paramref name="destination"/>; returns null, or the fault
    /// of the first hole the bytes touch. Throws <see cref="ArgumentOutOfRangeException"/> outside the range.
    /// </summary>
    public MemoryFault? TryRead(ulong address, Span<byte> destination)
    {
        if (!Covers(address, destination.Length))
            throw new ArgumentOutOfRangeException(nameof(address), $"{address:x}+{destination.Length} is outside the {_length} bytes read at {Address:x}");
        if (FaultIn(address, destination.Length) is { } fault) return fault;
        _data.AsSpan((int)(address - Address), destination.Length).CopyTo(destination);
        return null;
    }

    /// <summary>
    /// A little-endian unsigned integer of <paramref name="size"/> bytes (1 to 8) at <paramref name="address"/>;
    /// null, or the fault of the hole it touches.
    /// </summary>
    public MemoryFault? TryReadUnsigned(ulong address, int size, out ulong value)
    {
        if (size is < 1 or > 8) throw new ArgumentOutOfRangeException(nameof(size), size, "an integer is 1 to 8 bytes");
        Span<byte> buffer = stackalloc byte[8];
        buffer.Clear();
        var fault = TryRead(address, buffer[..size]);
        value = fault is null ? BinaryPrimitives.ReadUInt64LittleEndian(buffer) : 0;
        return fault;
    }

    /// <summary>
    /// The fault of the first hole touching [<paramref name="address"/>, +<paramref name="length"/>), naming the first
    /// of those bytes inside the hole (as a direct read would), or null.
    /// </summary>
    public MemoryFault? FaultIn(ulong address, int length)
    {
        foreach (var hole in _holes)
            if (address < hole.Address + (ulong)hole.Length && address + (ulong)length > hole.Address)
                return address <= hole.Address ? hole.Fault : hole.Fault with { Address = address };
        return null;
    }

    /// <summary>The bytes of the range; bytes in holes are zero.</summary>
    public ReadOnlySpan<byte> Bytes => _data.AsSpan(0, _length);

    private static void Add(List<MemoryHole> holes, MemoryHole hole)
    {
        if (holes.Count > 0 && holes[^1] is var last && last.Address + (ulong)last.Length == hole.Address && last.Fault.Kind == hole.Fault.Kind)
            holes[^1] = last with { Length = last.Length + hole.Length };
        else holes.Add(hole);
    }
}
