namespace DumpScope.Sdk.Linux.Slab;

/// <summary>
/// The kernel's slab allocator, chosen once per dump by probing its types (<see cref="SlabHelpers.SlabAllocatorOf"/>):
/// SLUB (<see cref="Slub.SlubAllocator"/>) or classic SLAB (<see cref="Classic.ClassicSlabAllocator"/>). Each
/// implementation handles the layouts of its own history by probing members, never by version.
/// </summary>
public interface ISlabAllocator
{
    /// <summary>"SLUB" or "SLAB".</summary>
    string Name { get; }

    /// <summary>What was probed, for `sys -v` and notes ("SLUB, slab fields in struct page, kmem_cache_cpu.page").</summary>
    string Era { get; }

    /// <summary>The probed layout shared by both allocators.</summary>
    SlabLayout Layout { get; }

    /// <summary>Opens one cache; throws a data problem (<see cref="Objects.KernelDataErrors"/>) when it cannot be read.</summary>
    ISlabCache OpenCache(ulong address);

    /// <summary>
    /// slab_object_info: which cache, slab and object hold an address, and the object's state. Throws
    /// <see cref="Memory.MemoryFaultException"/> when the address or its struct page cannot be read.
    /// </summary>
    SlabObjectInfo ObjectInfo(ulong address);
}
