namespace DumpScope.Plugins.Slab;

/// <summary>
/// The live size of struct kmem_cache, as the kernel allocated it, and how it was found.
/// </summary>
/// <param name="Size">Bytes of a live struct kmem_cache.</param>
/// <param name="DeclaredSize">sizeof(struct kmem_cache) as declared (with the untrimmed trailing array).</param>
/// <param name="Computed">offsetof(trailing array) + nr_cpu_ids / nr_node_ids pointers: the arithmetic cross-check.</param>
/// <param name="Source">Where <see cref="Size"/> came from.</param>
/// <param name="Disagreement">Set when the kernel's own value and the arithmetic disagree, saying which was used.</param>
public sealed record KmemCacheSize(ulong Size, ulong DeclaredSize, ulong Computed, string Source, string? Disagreement);
