using DumpScope.Sdk.Memory;

namespace DumpScope.Plugins.Memory.Tests.Fakes;

/// <summary>
/// Fault injection over real kernel memory: chosen virtual ranges read as deterministic garbage, or fail as
/// excluded pages. Everything else is the dump's own memory.
/// </summary>
public sealed class CorruptingMemory(IKernelMemory inner) : IKernelMemory
{
    private readonly List<(ulong Start, ulong End, bool Garbage)> _ranges = [];

    /// <summary>Makes [start, start+length) read as pseudo-random bytes.</summary>
    public CorruptingMemory Garbage(ulong start, ulong length)
    {
        _ranges.Add((start, start + length, true));
        return this;
    }

    /// <summary>Makes [start, start+length) fail as excluded.</summary>
    public CorruptingMemory Exclude(ulong start, ulong length)
    {
        _ranges.Add((start, start + length, false));
        return this;
    }

    /// <inheritdoc/>
    public ReadResult ReadVirtual(ulong address, Span<byte> destination)
    {
        ulong end = address + (ulong)destination.Length;
        foreach (var range in _ranges.Where(r => !r.Garbage))
        {
            if (range.Start < end && range.End > address)
            {
                int before = (int)(Math.Max(range.Start, address) - address);
                if (before > 0) inner.ReadVirtual(address, destination[..before]);
                return new ReadResult(before, new MemoryFault(Math.Max(range.Start, address), MemoryFaultKind.Excluded, false, null, "injected"));
            }
        }
        var result = inner.ReadVirtual(address, destination);
        foreach (var range in _ranges.Where(r => r.Garbage))
        {
            for (ulong a = Math.Max(range.Start, address); a < Math.Min(range.End, end); a++)
            {
                // A fixed hash of the address: the same garbage on every read, never all zeros.
                ulong h = (a * 0x9E3779B97F4A7C15UL) ^ (a >> 7) ^ 0x5bd1e995UL;
                destination[(int)(a - address)] = (byte)(h >> 24);
            }
        }
        return result;
    }

    /// <inheritdoc/>
    public ReadResult ReadPhysical(ulong address, Span<byte> destination) => inner.ReadPhysical(address, destination);

    /// <inheritdoc/>
    public Translation Translate(ulong virtualAddress) => inner.Translate(virtualAddress);
}
