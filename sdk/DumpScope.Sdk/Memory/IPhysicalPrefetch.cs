namespace DumpScope.Sdk.Memory;

/// <summary>
/// Optional ability of a physical memory (test with <c>is</c>): reading ahead the pages a walk knows it will read,
/// decompressing them on the thread pool across cores into the page cache, so that the reads that follow are cache
/// hits. Faults are not reported here: the read that follows reports them. Thread-safe.
/// </summary>
public interface IPhysicalPrefetch
{
    /// <summary>
    /// Brings the pages holding [address, +<paramref name="length"/>) of each of <paramref name="addresses"/> (physical)
    /// into the page cache, at most as many as the cache holds well; returns how many were read from the dump (pages
    /// already cached, excluded or unreadable are not).
    /// </summary>
    int PrefetchPhysical(ReadOnlySpan<ulong> addresses, int length);
}
