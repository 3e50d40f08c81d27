using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Types;

namespace DumpScope.Plugins.Slab;

/// <summary>
/// Everything the slab code needs to know about this kernel's layout, probed once per dump from its types
/// and symbols (never from its version): the allocator, how slab pages are described, the live size of
/// struct kmem_cache, and how to get from a slab descriptor to its memory.
/// </summary>
public sealed class SlabLayout
{
    private SlabLayout(IKernel kernel) => Kernel = kernel;

    /// <summary>The kernel.</summary>
    public IKernel Kernel { get; }

    /// <summary>The allocator.</summary>
    public SlabAllocator Allocator { get; private init; }

    /// <summary>How slabs are described.</summary>
    public SlabDescriptor Descriptor { get; private init; }

    /// <summary>struct kmem_cache.</summary>
    public KernelType KmemCache { get; private init; } = null!;

    /// <summary>The slab descriptor type (struct slab or struct page).</summary>
    public KernelType SlabType { get; private init; } = null!;

    /// <summary>The list_head member of the slab descriptor that links it on node lists.</summary>
    public string SlabListMember { get; private init; } = "";

    /// <summary>The member of struct kmem_cache that links caches on slab_caches ("list", or "next" on old SLAB).</summary>
    public string CacheListMember { get; private init; } = "";

    /// <summary>The live size of struct kmem_cache.</summary>
    public KmemCacheSize CacheSize { get; private init; } = null!;

    /// <summary>How layout facts were found when a fallback was used.</summary>
    public IReadOnlyList<string> Notes { get; private init; } = [];

    /// <summary>Probes the kernel. Throws <see cref="TypeNotFoundException"/> for SLOB or an unknown layout.</summary>
    public static SlabLayout Probe(IKernel kernel)
    {
        var notes = new List<string>();
        var cache = kernel.Types.FindType("struct kmem_cache")
            ?? throw new TypeNotFoundException("struct kmem_cache is not in the kernel's types (SLOB, or no type information)");
        var resolved = cache.Resolve();
        SlabAllocator allocator;
        if (resolved.HasMember("cpu_slab")) allocator = SlabAllocator.Slub;
        else if (resolved.HasMember("cpu_cache")) allocator = SlabAllocator.SlabPerCpuCache;
        else if (resolved.HasMember("array")) allocator = SlabAllocator.SlabArray;
        else throw new TypeNotFoundException("struct kmem_cache has neither cpu_slab (SLUB), cpu_cache nor array (SLAB): SLOB or an unknown slab allocator, not supported");

        SlabDescriptor descriptor;
        KernelType slabType;
        var structSlab = kernel.Types.FindType("struct slab");
        if (allocator == SlabAllocator.SlabArray && structSlab is not null && structSlab.Resolve().HasMember("s_mem") && !structSlab.Resolve().HasMember("slab_cache"))
        {
            descriptor = SlabDescriptor.OldSlabManagement;
            slabType = structSlab;
        }
        else if (structSlab is not null && structSlab.Resolve().HasMember("slab_cache"))
        {
            descriptor = SlabDescriptor.StructSlab;
            slabType = structSlab;
        }
        else
        {
            descriptor = SlabDescriptor.StructPage;
            slabType = kernel.Types.FindType("struct page") ?? throw new TypeNotFoundException("struct page is not in the kernel's types");
        }
        var slabResolved = slabType.Resolve();
        string slabList = new[] { "slab_list", "lru", "list" }.FirstOrDefault(slabResolved.HasMember)
            ?? throw new TypeNotFoundException($"{slabType.DisplayName} has no slab_list, lru or list member");
        string cacheList = resolved.HasMember("list") ? "list" : resolved.HasMember("next") ? "next"
            : throw new TypeNotFoundException("struct kmem_cache has no list (or next) member linking slab_caches");

        var layout = new SlabLayout(kernel)
        {
            Allocator = allocator,
            Descriptor = descriptor,
            KmemCache = cache,
            SlabType = slabType,
            SlabListMember = slabList,
            CacheListMember = cacheList,
            CacheSize = ComputeCacheSize(kernel, resolved, allocator, notes),
            Notes = notes,
        };
        return layout;
    }

    /// <summary>
    /// The live size of struct kmem_cache from the kernel's own boot cache, cross-checked with the arithmetic
    /// the kernel uses to compute it (KERNEL-NOTES: "The trimmed kmem_cache").
    /// </summary>
    public static KmemCacheSize ComputeCacheSize(IKernel kernel, KernelType kmemCache, SlabAllocator allocator, List<string> notes)
    {
        ulong declared = kmemCache.Size;
        ulong nrCpu = kernel.NrCpuIds, nrNode = Math.Max(1u, kernel.NrNodeIds);
        ulong computed;
        string trailing;
        if (allocator == SlabAllocator.SlabArray)
        {
            // 2.6.2x–3.6 SLAB: array[nr_cpu_ids] is followed by nr_node_ids kmem_list3 pointers.
            computed = kmemCache.FindMember("array").Offset + nrCpu * 8 + nrNode * 8;
            trailing = $"offsetof(array) + {nrCpu} cpu + {nrNode} node pointers";
        }
        else
        {
            computed = kmemCache.FindMember("node").Offset + nrNode * 8;
            trailing = $"offsetof(node) + {nrNode} node pointers";
        }

        ulong? fromKernel = null;
        string source = "";
        try
        {
            switch (allocator)
            {
                case SlabAllocator.Slub when kernel.Symbols.TryGetAddress("kmem_cache", out _):
                    {
                        // The global `kmem_cache` points at the boot cache whose objects are kmem_caches.
                        var boot = kernel.Global("kmem_cache", "struct kmem_cache *").Deref();
                        fromKernel = boot["object_size"].ReadUnsigned();
                        source = $"object_size of the boot cache *kmem_cache ({boot.Address:x})";
                        break;
                    }
                case SlabAllocator.SlabPerCpuCache when kernel.Symbols.TryGetAddress("kmem_cache_boot", out _):
                    fromKernel = kernel.Global("kmem_cache_boot", "struct kmem_cache")["object_size"].ReadUnsigned();
                    source = "kmem_cache_boot.object_size";
                    break;
                case SlabAllocator.SlabArray when kernel.Symbols.TryGetAddress("cache_cache", out _):
                    {
                        var cc = kernel.Global("cache_cache", "struct kmem_cache");
                        fromKernel = cc[kmemCache.HasMember("buffer_size") ? "buffer_size" : "size"].ReadUnsigned();
                        source = "cache_cache.buffer_size";
                        break;
                    }
            }
        }
        catch (Exception e) when (e is Sdk.Memory.MemoryFaultException or TypeNotFoundException or InvalidOperationException)
        {
            notes.Add($"the kernel's own kmem_cache size could not be read ({e.Message}); using {trailing} = {computed}");
        }

        if (fromKernel is null)
        {
            if (source.Length == 0) notes.Add($"no boot cache symbol for this allocator; kmem_cache size from {trailing} = {computed}");
            return new KmemCacheSize(Math.Min(computed, declared), declared, computed, trailing, null);
        }
        ulong value = fromKernel.Value;
        bool plausible = value > (allocator == SlabAllocator.SlabArray ? kmemCache.FindMember("array").Offset : kmemCache.FindMember("node").Offset) && value <= declared;
        if (value == computed) return new KmemCacheSize(value, declared, computed, source, null);
        if (plausible)
        {
            // Padding or alignment can make the kernel's value larger than the sum; the kernel's is what it allocated.
            var msg = $"{source} = {value} but {trailing} = {computed}; using the kernel's value";
            notes.Add(msg);
            return new KmemCacheSize(value, declared, computed, source, msg);
        }
        var bad = $"{source} = {value} is impossible (declared {declared}); using {trailing} = {computed}";
        notes.Add(bad);
        return new KmemCacheSize(Math.Min(computed, declared), declared, computed, trailing, bad);
    }

    /// <summary>The virtual address of the memory a slab descriptor (struct slab/page in vmemmap) describes.</summary>
    public ulong SlabMemory(ulong slab) => Kernel.MemoryModel.PageToVirt(slab);
}
