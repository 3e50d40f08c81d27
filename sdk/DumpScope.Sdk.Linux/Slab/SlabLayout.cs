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

    /// <summary>How layout facts were found when a fallback was used.</summary>
    public IReadOnlyList<string> Notes { get; internal init; } = [];

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
