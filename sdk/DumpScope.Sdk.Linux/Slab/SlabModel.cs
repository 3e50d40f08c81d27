namespace DumpScope.Sdk.Linux.Slab;

/// <summary>One slab: its descriptor, memory, counts and where it sits.</summary>
/// <param name="Descriptor">Address of its struct slab / struct page (or SLAB's management struct slab).</param>
/// <param name="Memory">Virtual address of its first object.</param>
/// <param name="Node">NUMA node, -1 when unknown.</param>
/// <param name="Objects">Objects in the slab.</param>
/// <param name="InUse">Objects the slab counts as in use (for a SLUB cpu slab: all of them but remote frees).</param>
/// <param name="Where">"cpu 0", "cpu 1 partial", "node 0 partial", "node 0 full"…</param>
/// <param name="Cpu">The CPU owning it, or -1.</param>
public sealed record SlabInfo(ulong Descriptor, ulong Memory, int Node, uint Objects, uint InUse, string Where, int Cpu);

/// <summary>One object of a slab and its state.</summary>
/// <param name="Address">Object address.</param>
/// <param name="Slab">The slab descriptor holding it.</param>
/// <param name="State">Allocated, free (where), or unknown.</param>
public sealed record SlabObject(ulong Address, ulong Slab, SlabObjectState State);

/// <summary>A slab and the state of each of its objects.</summary>
/// <param name="Slab">The slab.</param>
/// <param name="Objects">Its objects in address order.</param>
public sealed record SlabContents(SlabInfo Slab, IReadOnlyList<SlabObject> Objects);

/// <summary>A per-CPU cache structure of a slab cache (SLUB's kmem_cache_cpu, SLAB's array_cache).</summary>
/// <param name="Cpu">The CPU.</param>
/// <param name="Address">The structure's address.</param>
public sealed record CpuCacheInfo(int Cpu, ulong Address);

/// <summary>A per-node structure of a slab cache (kmem_cache_node, or kmem_list3 on old SLAB).</summary>
/// <param name="Node">The node id.</param>
/// <param name="Address">The structure's address.</param>
/// <param name="Slabs">Slabs the node counts, null when the kernel keeps no count (SLUB without CONFIG_SLUB_DEBUG).</param>
/// <param name="Partial">Slabs on its partial list.</param>
public sealed record NodeInfo(int Node, ulong Address, long? Slabs, long Partial);

/// <summary>What the allocator tracks of one cache (crash's kmem -S): per-CPU and per-node structures, slabs, objects.</summary>
/// <param name="CpuCacheType">The C type of <see cref="CpuCaches"/> ("struct kmem_cache_cpu", "struct array_cache").</param>
/// <param name="NodeType">The C type of <see cref="Nodes"/>.</param>
/// <param name="NodeListsNote">What the node lists cover ("full slabs are not tracked by SLUB").</param>
/// <param name="CpuCaches">Per-CPU structures.</param>
/// <param name="Nodes">Per-node structures.</param>
/// <param name="Slabs">Every slab reached with its objects.</param>
/// <param name="Problems">What could not be read; the rest is listed.</param>
public sealed record SlabCacheContents(string CpuCacheType, string NodeType, string NodeListsNote, IReadOnlyList<CpuCacheInfo> CpuCaches,
    IReadOnlyList<NodeInfo> Nodes, IReadOnlyList<SlabContents> Slabs, IReadOnlyList<string> Problems);

/// <summary>
/// What the allocator tracks of one cache, with the slabs walked on demand (<see cref="ISlabCache.Walk"/>): each
/// enumeration of <see cref="Slabs"/> walks them again, holding one slab's objects at a time.
/// </summary>
/// <param name="CpuCacheType">The C type of <see cref="CpuCaches"/>.</param>
/// <param name="NodeType">The C type of <see cref="Nodes"/>.</param>
/// <param name="NodeListsNote">What the node lists cover.</param>
/// <param name="CpuCaches">Per-CPU structures.</param>
/// <param name="Nodes">Per-node structures.</param>
/// <param name="WalkSlabs">The walk: given where to report problems, every slab reached with its objects.</param>
public sealed record SlabCacheWalk(string CpuCacheType, string NodeType, string NodeListsNote, IReadOnlyList<CpuCacheInfo> CpuCaches,
    IReadOnlyList<NodeInfo> Nodes, Func<Action<string>?, IEnumerable<SlabContents>> WalkSlabs)
{
    /// <summary>Every slab reached with its objects, walked now; what cannot be read goes to <paramref name="problem"/>, in walk order, as <see cref="SlabCacheContents.Problems"/> would hold it.</summary>
    public IEnumerable<SlabContents> Slabs(Action<string>? problem = null) => WalkSlabs(problem);

    /// <summary>The walk of contents already read whole (an allocator without a lazy walk).</summary>
    public static SlabCacheWalk Of(SlabCacheContents contents) =>
        new(contents.CpuCacheType, contents.NodeType, contents.NodeListsNote, contents.CpuCaches, contents.Nodes, problem =>
        {
            foreach (var p in contents.Problems) problem?.Invoke(p);
            return contents.Slabs;
        });
}

/// <summary>A cache's numbers as crash's kmem -s computes them.</summary>
/// <param name="Address">The struct kmem_cache.</param>
/// <param name="Name">Its name, or null when unreadable.</param>
/// <param name="ObjectSize">object_size (the size asked for; SLAB's obj_size or size when it has none).</param>
/// <param name="Size">Object stride (size), 0 when unknown.</param>
/// <param name="Allocated">Allocated objects, null when they could not be counted.</param>
/// <param name="Total">Total objects, null when unknown.</param>
/// <param name="Slabs">Number of slabs, null when unknown.</param>
/// <param name="SlabSize">Bytes per slab.</param>
/// <param name="Problems">What could not be read or looked wrong (each also leaves its number null or partial).</param>
public sealed record SlabCacheStatistics(ulong Address, string? Name, ulong ObjectSize, ulong Size, long? Allocated, long? Total, long? Slabs,
    ulong SlabSize, IReadOnlyList<string> Problems)
{
    /// <summary>The OBJSIZE crash's kmem -s prints: SLUB's object_size, SLAB's size (the stride).</summary>
    public ulong CrashObjectSize { get; init; } = ObjectSize;
}

/// <summary>Where an address lies in the slab allocator (crash's kmem ADDR).</summary>
/// <param name="Address">The address asked about.</param>
/// <param name="Page">Its struct page (the head page of a compound page).</param>
/// <param name="IsSlab">True when the page belongs to a slab.</param>
/// <param name="Cache">The kmem_cache, when a slab page.</param>
/// <param name="CacheName">Its name, when readable.</param>
/// <param name="Slab">The slab descriptor.</param>
/// <param name="SlabMemory">First object of the slab.</param>
/// <param name="Object">The object containing the address, or null (slab padding, management data).</param>
/// <param name="State">The object's state.</param>
/// <param name="Note">Why something is unknown, or a warning about the slab.</param>
public sealed record SlabObjectInfo(ulong Address, ulong Page, bool IsSlab, ulong Cache, string? CacheName, ulong Slab, ulong SlabMemory,
    ulong? Object, SlabObjectState State, string? Note);
