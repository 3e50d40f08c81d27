namespace DumpScope.Plugins.Triage.Sources;

/// <summary>One slab cache's memory for the top-caches list.</summary>
/// <param name="Address">The struct kmem_cache.</param>
/// <param name="Name">Its name.</param>
/// <param name="Bytes">Slabs × bytes per slab: the memory the cache holds.</param>
/// <param name="Objects">Allocated objects, when counted.</param>
/// <param name="Reclaimable">True for SLAB_RECLAIM_ACCOUNT caches (counted as SReclaimable), null when unreadable.</param>
internal sealed record SlabUsage(ulong Address, string Name, ulong Bytes, long? Objects, bool? Reclaimable);
