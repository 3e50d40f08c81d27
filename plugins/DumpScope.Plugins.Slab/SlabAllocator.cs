namespace DumpScope.Plugins.Slab;

/// <summary>Which slab allocator the kernel was built with, found by probing struct kmem_cache.</summary>
public enum SlabAllocator
{
    /// <summary>SLUB: kmem_cache has cpu_slab.</summary>
    Slub,
    /// <summary>SLAB 3.18+: kmem_cache has the per-cpu cpu_cache and node[] at the end.</summary>
    SlabPerCpuCache,
    /// <summary>SLAB before 3.18 (the seed's kernels): kmem_cache ends with array[NR_CPUS].</summary>
    SlabArray,
}

/// <summary>How slab pages are described: struct slab (5.17+) or struct page fields.</summary>
public enum SlabDescriptor
{
    /// <summary>struct slab overlays struct page.</summary>
    StructSlab,
    /// <summary>struct page carries slab_cache, freelist, inuse/objects.</summary>
    StructPage,
    /// <summary>Old SLAB's own struct slab, allocated on or off the slab (list, s_mem, inuse).</summary>
    OldSlabManagement,
}
