namespace DumpScope.Plugins.Diff.Snapshots;

/// <summary>One slab cache at one moment: kmem -s's numbers, or why they could not be read.</summary>
/// <param name="Name">The cache's name (a name seen twice gets "#2").</param>
/// <param name="Address">Its struct kmem_cache.</param>
/// <param name="ObjectSize">Object size as kmem -s prints it.</param>
/// <param name="Allocated">Allocated objects, null when not counted.</param>
/// <param name="Slabs">Slabs, null when not counted.</param>
/// <param name="SlabSize">Bytes per slab.</param>
/// <param name="Problem">What could not be read, or null.</param>
public sealed record CacheSnapshot(string Name, ulong Address, ulong ObjectSize, long? Allocated, long? Slabs, ulong SlabSize, string? Problem)
{
    /// <summary>Bytes the cache holds in slabs (slabs × slab size), null when the slabs were not counted.</summary>
    public long? Bytes => Slabs is { } s ? s * (long)SlabSize : null;
}
