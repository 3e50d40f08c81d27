namespace DumpScope.Sdk.Linux.Slab.Classic;

/// <summary>
/// The classic SLAB allocator (removed in 6.8), in every layout probed from the kernel's types:
/// <list type="bullet">
/// <item>kmem_cache ending in <c>nodelists</c> + <c>array[NR_CPUS]</c> (2.6.2x–3.17; docs/kernel-notes.md#runtime-sizes-shorter-than-declared-types) or per-cpu
/// <c>cpu_cache</c> + <c>node[MAX_NUMNODES]</c> (3.18, commit bf0dea23a9c0, "mm/slab: use percpu allocator for cpu cache");</item>
/// <item>per-node <c>struct kmem_list3</c> or <c>struct kmem_cache_node</c> (3.10's common naming);</item>
/// <item>slabs described by a management <c>struct slab</c> with a kmem_bufctl_t free chain (before 3.13), by
/// struct page with a freelist index array (3.13, commit 8456a648cf44), or by struct slab overlaying struct page (5.17).</item>
/// </list>
/// </summary>
public sealed class ClassicSlabAllocator : ISlabAllocator
{
    internal ClassicSlabAllocator(IKernel kernel)
    {
        Kernel = kernel;
        var notes = new List<string>();
        var cache = kernel.Types.Require("struct kmem_cache");
        var resolved = cache.Resolve();
        HasCpuCache = resolved.HasMember("cpu_cache");
        var structSlab = kernel.Types.FindType("struct slab")?.Resolve();
        KernelType slabType;
        if (structSlab is not null && structSlab.HasMember("s_mem") && !structSlab.HasMember("slab_cache"))
        {
            slabType = kernel.Types.Require("struct slab");
            ManagementSlab = true;
        }
        else if (structSlab is not null && structSlab.HasMember("slab_cache")) slabType = kernel.Types.Require("struct slab");
        else slabType = kernel.Types.Require("struct page");
        var (cacheList, head) = SlabLayout.CacheList(kernel, cache);

        ulong nrCpu = kernel.NrCpuIds, nrNode = Math.Max(1u, kernel.NrNodeIds);
        ulong trailingOffset, computed;
        string arithmetic;
        if (HasCpuCache)
        {
            trailingOffset = resolved.FindMember("node").Offset;
            computed = trailingOffset + nrNode * 8;
            arithmetic = $"offsetof(node) + {nrNode} node pointers";
        }
        else
        {
            // 2.6.2x–3.17: array[nr_cpu_ids] is followed by nr_node_ids kmem_list3 pointers.
            trailingOffset = resolved.FindMember("array").Offset;
            computed = trailingOffset + nrCpu * 8 + nrNode * 8;
            arithmetic = $"offsetof(array) + {nrCpu} cpu + {nrNode} node pointers";
        }
        string boot = HasCpuCache ? "kmem_cache_boot" : "cache_cache";
        string member = HasCpuCache ? "object_size" : resolved.HasMember("buffer_size") ? "buffer_size" : "size";
        Layout = new SlabLayout
        {
            KmemCache = cache,
            SlabType = slabType,
            Descriptor = ManagementSlab ? "SLAB management struct slab" : slabType.Resolve().Name == "slab" ? "struct slab" : "struct page",
            SlabListMember = SlabLayout.SlabList(slabType),
            CacheListMember = cacheList,
            CacheListHead = head,
            CacheSize = KmemCacheSize.Probe(kernel, cache, trailingOffset, computed, arithmetic, boot,
                () => kernel.Global(boot, "struct kmem_cache"), member, notes),
            Notes = notes,
        };
        kernel.RuntimeSizes.Register(new RuntimeSize("struct kmem_cache", Layout.CacheSize.Size, Layout.CacheSize.Source));

        NodeType = kernel.Types.FindType("struct kmem_cache_node") is { } n && n.Resolve().HasMember("slabs_partial")
            ? n : kernel.Types.Require("struct kmem_list3");
        ArrayCacheType = kernel.Types.Require("struct array_cache");
        var slab = slabType.Resolve();
        InUseMember = slab.HasMember("active") ? "active" : "inuse";
        // The freelist index type (3.13+): unsigned char when objects fit a byte index, else unsigned short.
        FreelistIndexSize = kernel.Types.FindType("freelist_idx_t")?.Size is { } s and (1 or 2) ? (int)s : 1;
    }

    /// <summary>Recognises SLAB's struct kmem_cache: per-cpu array caches through cpu_cache or array[].</summary>
    public static bool Recognizes(KernelType kmemCache) => kmemCache.HasMember("cpu_cache") || kmemCache.HasMember("array");

    /// <summary>The kernel.</summary>
    public IKernel Kernel { get; }

    /// <inheritdoc/>
    public string Name => "SLAB";

    /// <inheritdoc/>
    public string Era =>
        $"SLAB, {(HasCpuCache ? "per-cpu cpu_cache and node[]" : "array[NR_CPUS] and nodelists")}, per-node {NodeType.Resolve().Name}, slabs described by {Layout.Descriptor}";

    /// <inheritdoc/>
    public SlabLayout Layout { get; }

    /// <summary>True for 3.18+ kernels (per-cpu cpu_cache); false for array[NR_CPUS].</summary>
    public bool HasCpuCache { get; }

    /// <summary>True when slabs are described by the old management struct slab (list, s_mem, inuse, free + kmem_bufctl_t[]).</summary>
    public bool ManagementSlab { get; }

    /// <summary>struct kmem_cache_node or struct kmem_list3.</summary>
    public KernelType NodeType { get; }

    /// <summary>struct array_cache.</summary>
    public KernelType ArrayCacheType { get; }

    /// <summary>The slab's count of objects in use: active (3.13+) or inuse.</summary>
    public string InUseMember { get; }

    /// <summary>sizeof(freelist_idx_t).</summary>
    public int FreelistIndexSize { get; }

    /// <inheritdoc/>
    public ISlabCache OpenCache(ulong address) => Open(address);

    /// <summary>Opens a cache with its SLAB-specific view.</summary>
    public ClassicSlabCache Open(ulong address) => new(this, address);

    /// <summary>
    /// The slab descriptor of a slab head page: the page itself (3.13+, struct slab overlaying it on 5.17+) or,
    /// before 3.13, the management struct slab page->lru.prev points to (page_set_slab).
    /// </summary>
    public ulong SlabOfPage(ulong page) =>
        ManagementSlab ? Kernel.Memory.ReadU64(page + Kernel.Types.Require("struct page").FindMember("lru").Offset + 8, "page.lru.prev (the slab)") : page;

    /// <inheritdoc/>
    public SlabObjectInfo ObjectInfo(ulong address)
    {
        if (SlabHelpers.NotASlab(Kernel, address, out var page) is { } notSlab) return notSlab;
        ulong cacheAddress = Kernel.PageSlabCache(page) ?? 0;
        string? name = SlabHelpers.SlabCacheName(Kernel, cacheAddress);
        var cache = Open(cacheAddress);
        ulong descriptor = SlabOfPage(page);
        var slab = cache.ReadSlab(descriptor, "slab", -1);
        ulong index = address >= slab.Memory ? (address - slab.Memory) / cache.Size : ulong.MaxValue;
        if (index >= slab.Objects)
            return new SlabObjectInfo(address, page, true, cacheAddress, name, descriptor, slab.Memory, null,
                SlabObjectState.Unknown("outside the slab's objects"), "outside the slab's objects (colouring, management data or the unused tail)");
        ulong obj = slab.Memory + index * cache.Size;
        var problems = new List<string>();
        var state = cache.States(slab, problems).StateOf(obj);
        return new SlabObjectInfo(address, page, true, cacheAddress, name, descriptor, slab.Memory, obj, state, problems.Count > 0 ? string.Join("; ", problems) : null);
    }
}
