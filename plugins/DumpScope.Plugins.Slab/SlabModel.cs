namespace DumpScope.Plugins.Slab;

/// <summary>One slab: its descriptor, memory, counts and where it sits.</summary>
/// <param name="Descriptor">Address of its struct slab / struct page.</param>
/// <param name="Memory">Virtual address of its first object.</param>
/// <param name="Node">NUMA node, -1 when unknown.</param>
/// <param name="Objects">Objects in the slab.</param>
/// <param name="InUse">Objects the slab counts as in use (for a cpu slab: all of them but remote frees).</param>
/// <param name="Where">"cpu 0", "cpu 1 partial", "node 0 partial", "node 0 full"…</param>
/// <param name="Cpu">The CPU owning it, or -1.</param>
public sealed record SlabInfo(ulong Descriptor, ulong Memory, int Node, uint Objects, uint InUse, string Where, int Cpu);

/// <summary>One object and whether it is allocated.</summary>
/// <param name="Address">Object address.</param>
/// <param name="Slab">The slab descriptor holding it.</param>
/// <param name="Free">True when on a freelist.</param>
/// <param name="CpuCache">The CPU whose lockless freelist holds it, or -1.</param>
public sealed record SlabObject(ulong Address, ulong Slab, bool Free, int CpuCache);

/// <summary>The kmem -s line of a cache.</summary>
/// <param name="Address">The struct kmem_cache.</param>
/// <param name="Name">Its name, or null when unreadable.</param>
/// <param name="ObjectSize">object_size.</param>
/// <param name="Size">Object stride (size), 0 when unknown.</param>
/// <param name="Allocated">Allocated objects, null when they could not be counted.</param>
/// <param name="Total">Total objects, null when unknown.</param>
/// <param name="Slabs">Number of slabs, null when unknown.</param>
/// <param name="SlabSize">Bytes per slab.</param>
/// <param name="Problems">What could not be read or looked wrong (each also leaves its number null or partial).</param>
public sealed record CacheSummary(ulong Address, string? Name, ulong ObjectSize, ulong Size, long? Allocated, long? Total, long? Slabs, ulong SlabSize, IReadOnlyList<string> Problems);
