using System.Buffers.Binary;
using DumpScope.Sdk.Memory;

namespace DumpScope.Plugins.Tasks.Tests;

/// <summary>
/// Kernel memory of a real dump with chosen damage: 64-bit words replaced at chosen addresses, and pages that
/// fault as excluded (as makedumpfile leaves them). Reads that reach a faulted page return the bytes before
/// it and the fault, exactly as the real reader does.
/// </summary>
internal sealed class PatchedMemory(IKernelMemory inner, int pageSize = 4096) : IKernelMemory
{
    private readonly Dictionary<ulong, ulong> _words = [];
    private readonly HashSet<ulong> _excluded = [];

    /// <summary>Makes the word at <paramref name="address"/> read as <paramref name="value"/>.</summary>
    public PatchedMemory Patch(ulong address, ulong value)
    {
        _words[address] = value;
        return this;
    }

    /// <summary>Makes the page holding <paramref name="address"/> unreadable (excluded).</summary>
    public PatchedMemory Exclude(ulong address)
    {
        _excluded.Add(address & ~(ulong)(pageSize - 1));
        return this;
    }

    public ReadResult ReadVirtual(ulong address, Span<byte> destination)
    {
        int length = destination.Length;
        for (ulong page = address & ~(ulong)(pageSize - 1); page < address + (ulong)length; page += (ulong)pageSize)
        {
            if (!_excluded.Contains(page)) continue;
            int before = (int)(Math.Max(page, address) - address);
            var head = before == 0 ? ReadResult.Complete(0) : ReadVirtual(address, destination[..before]);
            if (!head.IsComplete) return head;
            return new ReadResult(before, new MemoryFault(address + (ulong)before, MemoryFaultKind.Excluded, false, null, "excluded by the test"));
        }
        var result = inner.ReadVirtual(address, destination);
        Span<byte> word = stackalloc byte[8];
        foreach (var (at, value) in _words)
        {
            // Apply the part of each patched word that overlaps the bytes read.
            BinaryPrimitives.WriteUInt64LittleEndian(word, value);
            for (int i = 0; i < 8; i++)
            {
                ulong b = at + (ulong)i;
                if (b >= address && b < address + (ulong)result.BytesRead) destination[(int)(b - address)] = word[i];
            }
        }
        return result;
    }

    public ReadResult ReadPhysical(ulong address, Span<byte> destination) => inner.ReadPhysical(address, destination);

    public Translation Translate(ulong virtualAddress) => inner.Translate(virtualAddress);
}
