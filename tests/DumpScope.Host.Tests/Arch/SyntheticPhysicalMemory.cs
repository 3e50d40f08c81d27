namespace DumpScope.Host.Tests.Arch;

/// <summary>
/// Physical memory for unit tests: 4 KiB pages held in a dictionary. Pages never written read as
/// NotInDump; pages marked excluded read as Excluded, like a makedumpfile -d 31 dump.
/// </summary>
internal sealed class SyntheticPhysicalMemory : IPhysicalMemory
{
    public const int PageSize = 4096;

    private readonly Dictionary<ulong, byte[]> _pages = [];
    private readonly HashSet<ulong> _excluded = [];

    public int Reads { get; private set; }

    public byte[] Page(ulong pfn)
    {
        if (!_pages.TryGetValue(pfn, out var page)) _pages[pfn] = page = new byte[PageSize];
        return page;
    }

    public void Exclude(ulong pfn)
    {
        _pages.Remove(pfn);
        _excluded.Add(pfn);
    }

    public void WriteU64(ulong physical, ulong value) =>
        BinaryPrimitives.WriteUInt64LittleEndian(Page(physical / PageSize).AsSpan((int)(physical % PageSize)), value);

    public void Write(ulong physical, ReadOnlySpan<byte> data)
    {
        for (int i = 0; i < data.Length; i++)
        {
            ulong at = physical + (ulong)i;
            Page(at / PageSize)[at % PageSize] = data[i];
        }
    }

    public ReadResult ReadPhysical(ulong address, Span<byte> destination)
    {
        Reads++;
        int done = 0;
        while (done < destination.Length)
        {
            ulong at = address + (ulong)done;
            ulong pfn = at / PageSize;
            if (!_pages.TryGetValue(pfn, out var page))
            {
                var kind = _excluded.Contains(pfn) ? MemoryFaultKind.Excluded : MemoryFaultKind.NotInDump;
                return new ReadResult(done, new MemoryFault(at, kind, true, Detail: $"synthetic pfn {pfn:x}"));
            }
            int offset = (int)(at % PageSize);
            int chunk = Math.Min(destination.Length - done, PageSize - offset);
            page.AsSpan(offset, chunk).CopyTo(destination.Slice(done, chunk));
            done += chunk;
        }
        return ReadResult.Complete(done);
    }
}
