using DumpScope.Sdk.Memory;

namespace DumpScope.Plugins.Tasks.Tests.Synthetic;

/// <summary>Kernel virtual memory made of 4 KiB byte pages placed by the test; unplaced pages fault as not mapped, excluded ones as excluded.</summary>
internal sealed class ByteMemory : IKernelMemory
{
    public const int PageSize = 4096;

    private readonly Dictionary<ulong, byte[]> _pages = [];
    private readonly HashSet<ulong> _excluded = [];

    public void Write(ulong address, ReadOnlySpan<byte> data)
    {
        for (int done = 0; done < data.Length;)
        {
            ulong at = address + (ulong)done, page = at & ~(ulong)(PageSize - 1);
            if (!_pages.TryGetValue(page, out var bytes)) _pages[page] = bytes = new byte[PageSize];
            int chunk = Math.Min(PageSize - (int)(at - page), data.Length - done);
            data.Slice(done, chunk).CopyTo(bytes.AsSpan((int)(at - page)));
            done += chunk;
        }
    }

    public void WriteU64(ulong address, ulong value) => Write(address, BitConverter.GetBytes(value));

    public void WriteU8(ulong address, byte value) => Write(address, [value]);

    public void Exclude(ulong address) => _excluded.Add(address & ~(ulong)(PageSize - 1));

    public ReadResult ReadVirtual(ulong address, Span<byte> destination)
    {
        int done = 0;
        while (done < destination.Length)
        {
            ulong at = address + (ulong)done, page = at & ~(ulong)(PageSize - 1);
            if (_excluded.Contains(page)) return new ReadResult(done, new MemoryFault(at, MemoryFaultKind.Excluded, false));
            if (!_pages.TryGetValue(page, out var bytes)) return new ReadResult(done, new MemoryFault(at, MemoryFaultKind.NotMapped, false));
            int chunk = Math.Min(PageSize - (int)(at - page), destination.Length - done);
            bytes.AsSpan((int)(at - page), chunk).CopyTo(destination[done..]);
            done += chunk;
        }
        return ReadResult.Complete(done);
    }

    public ReadResult ReadPhysical(ulong address, Span<byte> destination) => new(0, new MemoryFault(address, MemoryFaultKind.NotInDump, true));

    public Translation Translate(ulong virtualAddress) => new(0, 0, new MemoryFault(virtualAddress, MemoryFaultKind.NotMapped, false));
}
