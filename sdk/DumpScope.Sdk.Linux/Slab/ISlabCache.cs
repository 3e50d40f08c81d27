namespace DumpScope.Sdk.Linux.Slab;

/// <summary>One slab cache (struct kmem_cache) read through its live, trimmed size.</summary>
public interface ISlabCache
{
    /// <summary>The struct kmem_cache.</summary>
    ulong Address { get; }

    /// <summary>The cache's name; throws the fault when unreadable.</summary>
    string Name { get; }

    /// <summary>object_size: what kmem_cache_alloc callers asked for.</summary>
    ulong ObjectSize { get; }

    /// <summary>size: the stride between objects.</summary>
    ulong Size { get; }

    /// <summary>Objects per slab.</summary>
    uint ObjectsPerSlab { get; }

    /// <summary>Slab order.</summary>
    int Order { get; }

    /// <summary>Bytes per slab.</summary>
    ulong SlabBytes { get; }

    /// <summary>The kmem -s numbers; problems are collected, not thrown.</summary>
    SlabCacheStatistics Statistics(string? name, CancellationToken cancellation);

    /// <summary>What the allocator tracks of the cache, object by object (kmem -S); problems are collected.</summary>
    SlabCacheContents Contents(CancellationToken cancellation);

    /// <summary>
    /// The same as <see cref="Contents"/> with the slabs walked lazily (kmem -S streamed: one slab's objects at a time):
    /// the per-CPU and per-node structures at once, the slabs each time <see cref="SlabCacheWalk.Slabs"/> is enumerated.
    /// An allocator without its own walk gives its materialized contents.
    /// </summary>
    SlabCacheWalk Walk(CancellationToken cancellation) => SlabCacheWalk.Of(Contents(cancellation));

    /// <summary>
    /// for_each_allocated_object: every allocated object of the cache, streamed, found by scanning the struct page
    /// array for this cache's slabs (so full slabs, which SLUB does not list, are included). Slabs that cannot
    /// be read are skipped and reported to <paramref name="problem"/>.
    /// </summary>
    IEnumerable<ulong> ForEachAllocatedObject(Action<string>? problem = null, CancellationToken cancellation = default);
}
