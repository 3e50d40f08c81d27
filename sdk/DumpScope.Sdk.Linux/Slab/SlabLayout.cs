namespace DumpScope.Sdk.Linux.Slab;

/// <summary>
/// What both allocators probe once per dump from the kernel's types and symbols (never from its version): the
/// kmem_cache and slab descriptor types, the list members that link caches and slabs, and the live size of
/// struct kmem_cache.
/// </summary>
public sealed class SlabLayout
{
    internal SlabLayout() { }

    /// <summary>struct kmem_cache.</summary>
    public KernelType KmemCache { get; internal init; } = null!;

    /// <summary>The slab descriptor type: struct slab (5.17+, overlaying struct page), struct page, or old SLAB's management struct slab.</summary>
    public KernelType SlabType { get; internal init; } = null!;

    /// <summary>How slabs are described, in words ("struct slab", "struct page", "SLAB management struct slab").</summary>
    public string Descriptor { get; internal init; } = "";

    /// <summary>The list_head member of the slab descriptor that links it on node lists (slab_list, lru or list).</summary>
    public string SlabListMember { get; internal init; } = "";

    /// <summary>The member of struct kmem_cache that links caches on slab_caches ("list", or "next" on old SLAB).</summary>
    public string CacheListMember { get; internal init; } = "";

    /// <summary>The list head of all caches: slab_caches, or cache_chain on SLAB kernels before 3.x's common code.</summary>
    public ulong CacheListHead { get; internal init; }

    /// <summary>The live size of struct kmem_cache.</summary>
    public KmemCacheSize CacheSize { get; internal init; } = null!;

    /// <summary>
    /// The path of node N's struct kmem_cache_node pointer inside struct kmem_cache, a format with {0} for N:
    /// <c>node[{0}]</c>, or <c>per_node[{0}].node</c> since commit 5ba6bc27b1f9 ("slab: decouple pointer to barn from
    /// kmem_cache_node", 7.1) made the array one of struct kmem_cache_per_node_ptrs { barn; node; }.
    /// </summary>
    public string NodePointerPath { get; internal init; } = "node[{0}]";

    /// <summary>The path of node N's struct node_barn pointer inside struct kmem_cache (<c>per_node[{0}].barn</c>), null
    /// when the barn hangs off struct kmem_cache_node (6.18–7.0) or there are no barns.</summary>
    public string? BarnPointerPath { get; internal init; }

    /// <summary>How layout facts were found when a fallback was used.</summary>
    public IReadOnlyList<string> Notes { get; internal init; } = [];

    /// <summary>
    /// The trailing per-node array of struct kmem_cache: its member, offset and element size, and the paths of the
    /// node and barn pointers in element N (see <see cref="NodePointerPath"/>).
    /// </summary>
    internal static (ulong Offset, ulong Stride, string NodePath, string? BarnPath) NodeArray(KernelType kmemCache)
    {
        var resolved = kmemCache.Resolve();
        if (resolved.HasMember("node")) return (resolved.FindMember("node").Offset, 8, "node[{0}]", null);
        if (!resolved.HasMember("per_node"))
            throw new TypeNotFoundException("struct kmem_cache has neither node[] nor per_node[] (the per-node kmem_cache_node pointers)");
        var perNode = resolved.FindMember("per_node");
        // element size from the element type itself (barn + node pointers: 16 bytes on 64-bit)
        var element = perNode.Type.Resolve().Target?.Resolve()
            ?? throw new TypeNotFoundException("struct kmem_cache.per_node is not an array");
        if (!element.HasMember("node")) throw new TypeNotFoundException($"{element.DisplayName} (kmem_cache.per_node[]) has no node member");
        ulong stride = element.Size;
        bool hasBarn = element.HasMember("barn");
        return (perNode.Offset, stride, "per_node[{0}].node", hasBarn ? "per_node[{0}].barn" : null);
    }

    /// <summary>The member of <paramref name="type"/> linking slabs: slab_list (5.0+), lru, or list (old SLAB).</summary>
    internal static string SlabList(KernelType type) =>
        new[] { "slab_list", "lru", "list" }.FirstOrDefault(type.Resolve().HasMember)
        ?? throw new TypeNotFoundException($"{type.DisplayName} has no slab_list, lru or list member");

    /// <summary>The kmem_cache member linking caches, and the list's head symbol.</summary>
    internal static (string Member, ulong Head) CacheList(IKernel kernel, KernelType kmemCache)
    {
        var resolved = kmemCache.Resolve();
        string member = resolved.HasMember("list") ? "list" : resolved.HasMember("next") ? "next"
            : throw new TypeNotFoundException("struct kmem_cache has no list (or next) member linking slab_caches");
        if (!kernel.Symbols.TryGetAddress("slab_caches", out var head) && !kernel.Symbols.TryGetAddress("cache_chain", out head))
            throw new TypeNotFoundException("neither slab_caches nor cache_chain is a symbol of this kernel");
        return (member, head);
    }
}
