namespace DumpScope.Sdk.Memory;

/// <summary>
/// Optional ability of a kernel memory (test with <c>is</c>, or call <see cref="MemoryReadExtensions.Prefetch"/>): the
/// pages holding kernel virtual ranges a walk will read next (a slab's objects, the threads of a process, an array of
/// struct page) translated and read ahead, decompressed in parallel, as <see cref="IPhysicalPrefetch"/> does.
/// </summary>
public interface IKernelPrefetch : IPhysicalPrefetch
{
    /// <summary>
    /// Brings the pages holding [address, +<paramref name="length"/>) of each of <paramref name="addresses"/> (kernel
    /// virtual) into the page cache; addresses that do not translate are skipped. Returns the pages read from the dump.
    /// </summary>
    int PrefetchVirtual(ReadOnlySpan<ulong> addresses, int length);
}
