namespace DumpScope.Sdk.Linux.Slab.Slub;

/// <summary>
/// SLUB, in every layout probed from the kernel's types: slab fields in struct page before struct slab (5.17,
/// commit d122019bf061) and after; kmem_cache_cpu.page or .slab (the 5.17 conversion, commit bb192ed9aa71);
/// cpu partial chains (next with pages/pobjects in struct page, slabs in struct slab); hardened freelists with or
/// without swab (detected from the data); and the per-cpu sheaves of 6.18+ kernels (objects cached in a CPU's
/// sheaves or a node's barn are free although their slab counts them in use).
/// </summary>
public sealed class SlubAllocator : ISlabAllocator
{
    private readonly object _encodingLock = new();
    private FreelistEncoding? _encoding;

    internal SlubAllocator(IKernel kernel)
    {
        Kernel = kernel;
        var notes = new List<string>();
        var cache = kernel.Types.Require("struct kmem_cache");
        var resolved = cache.Resolve();
        var structSlab = kernel.Types.FindType("struct slab");
        bool hasStructSlab = structSlab is not null && structSlab.Resolve().HasMember("slab_cache");
        var slabType = hasStructSlab ? structSlab! : kernel.Types.Require("struct page");
        var (cacheList, head) = SlabLayout.CacheList(kernel, cache);

        var (nodeOffset, stride, nodePath, barnPath) = SlabLayout.NodeArray(cache);
        ulong nrNode = Math.Max(1u, kernel.NrNodeIds);
        ulong computed = nodeOffset + nrNode * stride;
        string arithmetic = barnPath is null && stride == 8 ? $"offsetof(node) + {nrNode} node pointers"
            : $"offsetof(per_node) + {nrNode} × {stride}-byte kmem_cache_per_node_ptrs";
        Layout = new SlabLayout
        {
            KmemCache = cache,
            SlabType = slabType,
            Descriptor = hasStructSlab ? "struct slab" : "struct page",
            SlabListMember = SlabLayout.SlabList(slabType),
            CacheListMember = cacheList,
            CacheListHead = head,
            NodePointerPath = nodePath,
            BarnPointerPath = barnPath,
            // The global `kmem_cache` points at the boot cache whose objects are kmem_caches.
            CacheSize = KmemCacheSize.Probe(kernel, cache, nodeOffset, computed, arithmetic, "kmem_cache",
                () => kernel.Global("kmem_cache", "struct kmem_cache *").Deref(), "object_size", notes),
            Notes = notes,
        };
        // Register before any cache is read, so that KernelObject.Load never reads the declared size.
        kernel.RuntimeSizes.Register(new RuntimeSize("struct kmem_cache", Layout.CacheSize.Size, Layout.CacheSize.Source));

        if (resolved.HasMember("cpu_slab"))
        {
            CpuType = kernel.Types.Require("struct kmem_cache_cpu");
            var cpu = CpuType.Resolve();
            CpuSlabMember = cpu.HasMember("slab") ? "slab" : "page";
            HasCpuPartial = cpu.HasMember("partial");
        }
        Sheaves = SlubSheaves.Probe(kernel, resolved);
        NodeType = kernel.Types.Require("struct kmem_cache_node");
    }

    /// <summary>Recognises SLUB's struct kmem_cache: per-cpu slabs (cpu_slab) or per-cpu sheaves (cpu_sheaves).</summary>
    public static bool Recognizes(KernelType kmemCache) => kmemCache.HasMember("cpu_slab") || kmemCache.HasMember("cpu_sheaves");

    /// <summary>The kernel.</summary>
    public IKernel Kernel { get; }

    /// <inheritdoc/>
    public string Name => "SLUB";

    /// <inheritdoc/>
    public string Era =>
        $"SLUB, slab fields in {Layout.Descriptor}" +
        (CpuType is null ? ", no cpu slabs" : $", kmem_cache_cpu.{CpuSlabMember}{(HasCpuPartial ? " with cpu partial slabs" : "")}") +
        (Sheaves is null ? "" : ", per-cpu sheaves") +
        $", freelist pointers {(_encoding is { } e ? e.ToString() : Layout.KmemCache.Resolve().HasMember("random") ? "hardened (encoding not yet seen)" : "plain")}";

    /// <inheritdoc/>
    public SlabLayout Layout { get; }

    /// <summary>struct kmem_cache_cpu, null on kernels without cpu slabs.</summary>
    public KernelType? CpuType { get; }

    /// <summary>"slab" (5.17+) or "page": the member of kmem_cache_cpu holding the CPU's active slab.</summary>
    public string CpuSlabMember { get; } = "slab";

    /// <summary>True when kmem_cache_cpu has a partial chain (CONFIG_SLUB_CPU_PARTIAL).</summary>
    public bool HasCpuPartial { get; }

    /// <summary>struct kmem_cache_node.</summary>
    public KernelType NodeType { get; }

    /// <summary>The per-cpu sheaves layout, null on kernels without them.</summary>
    public SlubSheaves? Sheaves { get; }

    /// <summary>The freelist encoding, once detected.</summary>
    public FreelistEncoding? Encoding => _encoding;

    /// <inheritdoc/>
    public ISlabCache OpenCache(ulong address) => Open(address);

    /// <summary>Opens a cache with its SLUB-specific view.</summary>
    public SlubCache Open(ulong address) => new(this, address);

    /// <inheritdoc/>
    public SlabObjectInfo ObjectInfo(ulong address)
    {
        if (SlabHelpers.NotASlab(Kernel, address, out var page) is { } notSlab) return notSlab;
        ulong cacheAddress = new KernelObject(Kernel, Layout.SlabType, page)["slab_cache"].ReadPointer();
        string? name = SlabHelpers.SlabCacheName(Kernel, cacheAddress);
        ulong memory = Kernel.PageToVirt(page);
        var cache = Open(cacheAddress);
        var (cpu, cpuFreelist) = cache.CpuOwning(page);
        var slab = cache.ReadSlab(page, cpu >= 0 ? $"cpu {cpu}" : "slab", cpu);
        ulong index = (address - memory) / cache.Size;
        if (address < memory || index >= slab.Objects)
            return new SlabObjectInfo(address, page, true, cacheAddress, name, page, memory, null, SlabObjectState.Unknown("in the slab's unused tail"), "in the slab's unused tail");
        ulong obj = memory + index * cache.Size;
        var problems = new List<string>();
        var state = cache.States(slab, cpuFreelist, problems).StateOf(obj);
        return new SlabObjectInfo(address, page, true, cacheAddress, name, page, memory, obj, state, problems.Count > 0 ? string.Join("; ", problems) : null);
    }

    /// <summary>
    /// The freelist encoding of this kernel. Without s->random the pointers are plain. Otherwise the first
    /// non-empty freelist decides: the variant whose decoded next pointer is NULL or an object of the same slab.
    /// </summary>
    internal FreelistEncoding EncodingFor(SlubCache cache, ulong head, SlabInfo slab)
    {
        if (_encoding is { } known) return known;
        if (!Layout.KmemCache.Resolve().HasMember("random")) return Remember(FreelistEncoding.Plain);
        if (head == 0) return FreelistEncoding.XorSwab;
        ulong start = slab.Memory, end = slab.Memory + (ulong)slab.Objects * cache.Size;
        if (!Kernel.Memory.TryReadU64(head + cache.FreePointerOffset, out var stored, out _)) return FreelistEncoding.XorSwab;
        var fits = new[] { FreelistEncoding.XorSwab, FreelistEncoding.Xor, FreelistEncoding.Plain }
            .Where(e =>
            {
                ulong next = FreelistDecoder.Decode(e, cache.Random, stored, head + cache.FreePointerOffset);
                return next == 0 ? e != FreelistEncoding.Plain || stored == 0 : next >= start && next < end && (next - start) % cache.Size == 0;
            }).ToArray();
        // A NULL result is ambiguous between the two xor forms only if the stored value happens to match both.
        return fits.Length == 1 ? Remember(fits[0]) : fits.Length > 0 ? fits[0] : FreelistEncoding.XorSwab;
    }

    /// <summary>
    /// Decides the freelist encoding from the data if no walk has yet: the first slab on a node partial list (or a
    /// cpu slab) whose free pointer decodes to an object of the same slab under exactly one encoding, over at most
    /// <paramref name="maxCaches"/> caches. Null with the reason when none decided it.
    /// </summary>
    public FreelistEncoding? DetectEncoding(out string how, int maxCaches = 1)
    {
        if (_encoding is { } known) { how = "decoded while walking a freelist: next pointers land on objects of the same slab"; return known; }
        if (!Layout.KmemCache.Resolve().HasMember("random")) { how = "struct kmem_cache has no random (no CONFIG_SLAB_FREELIST_HARDENED)"; return Remember(FreelistEncoding.Plain); }
        // A few caches only (dumpinfo shows this and must stay light): the boot cache of kmem_caches first, which
        // every kernel fills and empties, then the newest caches on slab_caches.
        var caches = new List<ulong>();
        try { caches.Add(Kernel.Global("kmem_cache", "struct kmem_cache *").Deref().Address); }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e)) { }
        // the first few on slab_caches, followed by hand: the whole list would read every cache's page
        ulong link = Layout.KmemCache.Resolve().FindMember(Layout.CacheListMember).Offset;
        ulong next = Layout.CacheListHead;
        for (int i = 0; caches.Count < maxCaches && i < maxCaches && Kernel.Memory.TryReadU64(next, out next, out _) && next != Layout.CacheListHead; i++)
            if (!caches.Contains(next - link)) caches.Add(next - link);
        foreach (var address in caches)
        {
            try
            {
                var cache = Open(address);
                var candidates = cache.CpuStates().Where(c => c.Slab != 0).Select(c => c.Slab)
                    .Concat(cache.Nodes().SelectMany(n => cache.NodePartial(n.Address).Items.Take(4)));
                foreach (var descriptor in candidates.Take(8))
                {
                    var slab = cache.ReadSlab(descriptor, "probe", -1);
                    ulong head = cache.SlabFreelist(descriptor);
                    if (head == 0) continue;
                    EncodingFor(cache, head, slab);
                    if (_encoding is { } found)
                    {
                        how = $"the free pointer of slab {descriptor:x} ({cache.Name}) lands on an object of the same slab only as {found}";
                        return found;
                    }
                }
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                // an unreadable cache decides nothing; the next one may
            }
        }
        how = $"no slab freelist among {caches.Count} caches decided between the encodings (kmem -s or kmem -S decides it)";
        return null;
    }

    private FreelistEncoding Remember(FreelistEncoding encoding)
    {
        lock (_encodingLock) _encoding ??= encoding;
        return _encoding.Value;
    }
}
