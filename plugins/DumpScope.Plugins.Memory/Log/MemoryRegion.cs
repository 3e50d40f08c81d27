using DumpScope.Sdk.Memory;

namespace DumpScope.Plugins.Memory.Log;

/// <summary>
/// A copy of a kernel virtual range read page by page: unreadable pages are remembered (and zero in the copy)
/// so that a record touching them is skipped, while the rest of the range stays usable.
/// </summary>
internal sealed class MemoryRegion
{
    private const int Chunk = 4096;
    private readonly bool[] _readable;

    private MemoryRegion(ulong address, byte[] data, bool[] readable, MemoryFault? firstFault)
    {
        Address = address;
        Data = data;
        _readable = readable;
        FirstFault = firstFault;
    }

    /// <summary>Start of the range.</summary>
    public ulong Address { get; }

    /// <summary>The bytes (zero where unreadable).</summary>
    public byte[] Data { get; }

    /// <summary>The first fault met, or null when everything was read.</summary>
    public MemoryFault? FirstFault { get; }

    /// <summary>Reads <paramref name="length"/> bytes at <paramref name="address"/>.</summary>
    public static MemoryRegion Read(IKernelMemory memory, ulong address, int length)
    {
        var data = new byte[length];
        // Chunk boundaries follow page boundaries so that one excluded page spoils only its own chunk.
        int chunks = (int)((address % Chunk + (ulong)length + Chunk - 1) / Chunk);
        var readable = new bool[chunks];
        MemoryFault? first = null;
        int offset = 0;
        for (int c = 0; c < chunks && offset < length; c++)
        {
            int size = (int)Math.Min((ulong)(length - offset), Chunk - (address + (ulong)offset) % Chunk);
            var result = memory.ReadVirtual(address + (ulong)offset, data.AsSpan(offset, size));
            readable[c] = result.IsComplete;
            if (!result.IsComplete)
            {
                first ??= result.Fault;
                data.AsSpan(offset, size).Clear();
            }
            offset += size;
        }
        return new MemoryRegion(address, data, readable, first);
    }

    /// <summary>True when bytes [offset, offset+length) are inside the range and were read.</summary>
    public bool IsReadable(long offset, long length)
    {
        if (offset < 0 || length < 0 || offset + length > Data.Length) return false;
        if (length == 0) return true;
        long startChunk = (long)((Address % Chunk + (ulong)offset) / Chunk);
        long endChunk = (long)((Address % Chunk + (ulong)(offset + length - 1)) / Chunk);
        for (long c = startChunk; c <= endChunk; c++)
            if (!_readable[c]) return false;
        return true;
    }
}
