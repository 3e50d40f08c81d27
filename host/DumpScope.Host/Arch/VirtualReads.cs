using System.Runtime.InteropServices;

namespace DumpScope.Host.Arch;

/// <summary>The read loop every address space shares: translate, read up to the end of the page, report the first fault at its virtual address.</summary>
internal static class VirtualReads
{
    /// <summary>
    /// Reads <paramref name="destination"/> from <paramref name="address"/> on, one page of <paramref name="page"/>
    /// bytes at a time (the next page may map elsewhere, or nowhere), translating with <paramref name="space"/>.
    /// </summary>
    public static ReadResult Read(IKernelMemory space, IPhysicalMemory physical, ulong page, ulong address, Span<byte> destination)
    {
        int done = 0;
        ulong readAheadEnd = address;
        bool canReadAhead = physical is IPhysicalPrefetch && (ulong)destination.Length >= ReadAheadFrom * page;
        while (done < destination.Length)
        {
            ulong at = address + (ulong)done;
            if (canReadAhead && at >= readAheadEnd && (ulong)(destination.Length - done) >= ReadAheadFrom * page)
            {
                // A long read: the next window of pages is translated and decompressed on every core first.
                ulong window = Math.Min((ulong)(destination.Length - done), ReadAheadWindow * page);
                Prefetch(space, physical, page, [at], (int)window);
                readAheadEnd = at + window;
            }
            var translation = space.Translate(at);
            if (translation.Fault is { } fault) return new ReadResult(done, fault);
            int chunk = (int)Math.Min((ulong)(destination.Length - done), page - (at & (page - 1)));
            var read = physical.ReadPhysical(translation.PhysicalAddress, destination.Slice(done, chunk));
            done += read.BytesRead;
            if (read.Fault is { } physicalFault)
            {
                ulong failedVirtual = address + (ulong)done;
                ulong failedPhysical = translation.PhysicalAddress + (ulong)read.BytesRead;
                string detail = physicalFault.Detail is null
                    ? $"physical address {failedPhysical:x}"
                    : $"physical address {failedPhysical:x}: {physicalFault.Detail}";
                return new ReadResult(done, new MemoryFault(failedVirtual, physicalFault.Kind, false, physicalFault.Context, detail));
            }
        }
        return ReadResult.Complete(done);
    }

    /// <summary>Fewest pages a read spans for it to read ahead (as <c>DumpPhysicalMemory.ParallelPages</c>).</summary>
    private const ulong ReadAheadFrom = 32;

    /// <summary>Pages read ahead at a time by a long read.</summary>
    private const ulong ReadAheadWindow = 256;

    /// <summary>Most pages one read-ahead translates.</summary>
    private const int MaxReadAheadPages = 4096;

    /// <summary>
    /// The pages holding [address, +<paramref name="length"/>) of each of <paramref name="addresses"/>, translated with
    /// <paramref name="space"/> (addresses that do not translate are skipped), read ahead by <paramref name="physical"/>
    /// when it can. Returns the pages read from the dump.
    /// </summary>
    public static int Prefetch(IKernelMemory space, IPhysicalMemory physical, ulong page, ReadOnlySpan<ulong> addresses, int length)
    {
        if (physical is not IPhysicalPrefetch prefetch || length <= 0) return 0;
        var pages = new List<ulong>();
        foreach (ulong address in addresses)
        {
            ulong end = address + (ulong)length;
            if (end < address) end = ulong.MaxValue;
            for (ulong at = address & ~(page - 1); at < end && pages.Count < MaxReadAheadPages; at += page)
            {
                var translation = space.Translate(Math.Max(at, address));
                if (translation.Success) pages.Add(translation.PhysicalAddress);
                if (at > ulong.MaxValue - page) break;
            }
            if (pages.Count >= MaxReadAheadPages) break;
        }
        return prefetch.PrefetchPhysical(CollectionsMarshal.AsSpan(pages), 1);
    }
}
