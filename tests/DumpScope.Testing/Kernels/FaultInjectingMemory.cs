namespace DumpScope.Testing.Kernels;

/// <summary>
/// Kernel memory (usually a real dump's) with chosen damage: 64-bit words replaced at chosen addresses, ranges
/// that read as deterministic garbage, and ranges or pages that fault as excluded (as makedumpfile leaves them).
/// A read that reaches an excluded byte returns the bytes before it and the fault, exactly as the real reader
/// does. Wrap a kernel with <see cref="KernelWithMemory"/> to give it to code under test.
/// </summary>
public sealed class FaultInjectingMemory(IKernelMemory inner, int pageSize = 4096) : IKernelMemory
{
    private readonly Dictionary<ulong, ulong> _words = [];
    private readonly List<(ulong Start, ulong End)> _excluded = [];
    private readonly List<(ulong Start, ulong End)> _garbage = [];

    /// <summary>Makes the word at <paramref name="address"/> read as <paramref name="value"/>.</summary>
    public FaultInjectingMemory Patch(ulong address, ulong value)
    {
        _words[address] = value;
        return this;
    }

    /// <summary>Makes the page holding <paramref name="address"/> fail as excluded.</summary>
    public FaultInjectingMemory Exclude(ulong address) => Exclude(address & ~(ulong)(pageSize - 1), (ulong)pageSize);

    /// <summary>Makes [start, start+length) fail as excluded.</summary>
    public FaultInjectingMemory Exclude(ulong start, ulong length)
    {
        _excluded.Add((start, start + length));
        return this;
    }

    /// <summary>Makes [start, start+length) read as pseudo-random bytes (the same on every read, never all zeros).</summary>
    public FaultInjectingMemory Garbage(ulong start, ulong length)
    {
        _garbage.Add((start, start + length));
        return this;
    }

    /// <inheritdoc/>
    public ReadResult ReadVirtual(ulong address, Span<byte> destination)
    {
        ulong end = address + (ulong)destination.Length;
        ulong? firstExcluded = null;
        foreach (var (start, stop) in _excluded)
            if (start < end && stop > address && (firstExcluded is null || Math.Max(start, address) < firstExcluded))
                firstExcluded = Math.Max(start, address);
        if (firstExcluded is { } at)
        {
            int before = (int)(at - address);
            var head = before == 0 ? ReadResult.Complete(0) : ReadVirtual(address, destination[..before]);
            if (!head.IsComplete) return head;
            return new ReadResult(before, new MemoryFault(at, MemoryFaultKind.Excluded, false, null, "excluded by the test"));
        }

        var result = inner.ReadVirtual(address, destination);
        ulong read = address + (ulong)result.BytesRead;
        foreach (var (start, stop) in _garbage)
            for (ulong a = Math.Max(start, address); a < Math.Min(stop, read); a++)
                destination[(int)(a - address)] = Garbage(a);
        Span<byte> word = stackalloc byte[8];
        foreach (var (wordAt, value) in _words)
        {
            // The part of each patched word that overlaps the bytes read.
            BinaryPrimitives.WriteUInt64LittleEndian(word, value);
            for (int i = 0; i < 8; i++)
            {
                ulong b = wordAt + (ulong)i;
                if (b >= address && b < read) destination[(int)(b - address)] = word[i];
            }
        }
        return result;
    }

    /// <inheritdoc/>
    public ReadResult ReadPhysical(ulong address, Span<byte> destination) => inner.ReadPhysical(address, destination);

    /// <inheritdoc/>
    public Translation Translate(ulong virtualAddress) => inner.Translate(virtualAddress);

    private static byte Garbage(ulong address)
    {
        // A fixed hash of the address.
        ulong h = (address * 0x9E3779B97F4A7C15UL) ^ (address >> 7) ^ 0x5bd1e995UL;
        return (byte)(h >> 24);
    }
}
