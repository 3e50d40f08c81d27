using DumpScope.Sdk.Linux.Slab;
using DumpScope.Sdk.Linux.Slab.Slub;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Slab;

/// <summary>
/// The slab plugin's service: the open dump's slab allocator from DumpScope.Sdk.Linux.Slab (probed once per
/// dump; probing registers the live size of struct kmem_cache, so `struct kmem_cache ADDR` honours it).
/// </summary>
public sealed class SlabAnalyzer(IServiceProvider services)
{
    /// <summary>The open dump's kernel.</summary>
    public IKernel Kernel => services.GetService<IKernel>() ?? throw new NoDumpException();

    /// <summary>The kernel's slab allocator.</summary>
    public ISlabAllocator Allocator => SlabHelpers.SlabAllocatorOf(Kernel);

    /// <summary>The probed layout.</summary>
    public SlabLayout Layout => Allocator.Layout;

    /// <summary>The SLUB freelist encoding, once detected (null before, and on SLAB).</summary>
    public FreelistEncoding? Encoding => Allocator is SlubAllocator slub ? slub.Encoding : null;

    /// <summary>The caches on slab_caches, in list order, and how the walk ended.</summary>
    public WalkResult<ulong> CacheAddresses(CancellationToken cancellation = default) => SlabHelpers.ForEachSlabCache(Kernel, cancellation);

    /// <summary>Finds a cache by name or address (hex).</summary>
    public ulong? FindCache(string nameOrAddress, CancellationToken cancellation = default) => SlabHelpers.FindSlabCache(Kernel, nameOrAddress, cancellation);

    /// <summary>A cache's name, or null when unreadable.</summary>
    public string? TryName(ulong cache) => SlabHelpers.SlabCacheName(Kernel, cache);

    /// <summary>A cache's kmem -s numbers; never throws for bad cache data.</summary>
    public SlabCacheStatistics Statistics(ulong cache, CancellationToken cancellation = default) => SlabHelpers.SlabCacheStatistics(Kernel, cache, cancellation);
}
