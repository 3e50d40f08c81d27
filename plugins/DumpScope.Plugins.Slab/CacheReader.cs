using DumpScope.Sdk.Memory;

namespace DumpScope.Plugins.Slab;

/// <summary>Reads one cache's summary with whichever allocator the kernel has; a bad cache becomes a marked summary.</summary>
public static class CacheReader
{
    /// <summary>The cache's kmem -s numbers; never throws for unreadable or corrupt cache data.</summary>
    public static CacheSummary Summarize(SlabAnalyzer analyzer, ulong address, CancellationToken cancellation)
    {
        string? name = analyzer.TryName(address);
        try
        {
            return analyzer.Layout.Allocator == SlabAllocator.Slub
                ? analyzer.OpenSlub(address).Summarize(name, cancellation)
                : Slab.SlabCache.Open(analyzer, address).Summarize(name, cancellation);
        }
        catch (Exception e) when (e is MemoryFaultException or InvalidDataException)
        {
            var reason = e is MemoryFaultException m ? m.Fault.Message : e.Message;
            return new CacheSummary(address, name, 0, 0, null, null, null, 0, [$"kmem_cache {address:x}: {reason}"]);
        }
    }
}
