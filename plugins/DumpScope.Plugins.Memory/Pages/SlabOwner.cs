namespace DumpScope.Plugins.Memory.Pages;

/// <summary>The slab cache that owns a slab page.</summary>
/// <param name="Cache">The struct kmem_cache address.</param>
/// <param name="Name">The cache's name, null when unreadable.</param>
/// <param name="Source">Where slab_cache was read ("struct slab.slab_cache", "page.slab_cache").</param>
/// <param name="Problem">Why the name is missing, when it is.</param>
public sealed record SlabOwner(ulong Cache, string? Name, string Source, string? Problem);
