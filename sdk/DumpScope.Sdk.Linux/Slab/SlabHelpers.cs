using DumpScope.Sdk.Linux.Slab.Classic;
using DumpScope.Sdk.Linux.Slab.Slub;

namespace DumpScope.Sdk.Linux.Slab;

/// <summary>
/// drgn's helpers/linux/slab for DumpScope: for_each_slab_cache, find_slab_cache, slab_object_info,
/// for_each_allocated_object, the per-cache statistics of crash's kmem -s and the live size of struct
/// kmem_cache. The allocator is probed once per dump.
/// </summary>
/// <example><code>
/// foreach (var cache in SlabHelpers.ForEachSlabCache(kernel).Items)
///     if (SlabHelpers.SlabCacheName(kernel, cache) == "dentry")
///         foreach (var dentry in SlabHelpers.ForEachAllocatedObject(kernel, cache)) …
/// </code></example>
public static class SlabHelpers
{
    /// <summary>Longest list walked (caches, partial slabs) before it is taken as corrupt.</summary>
    public const int MaxListLength = 1_000_000;

    // Each allocator recognises its own struct kmem_cache; the first that does is used for the whole dump.
    private static readonly (Func<KernelType, bool> Recognizes, Func<IKernel, ISlabAllocator> Create)[] Allocators =
    [
        (SlubAllocator.Recognizes, k => new SlubAllocator(k)),
        (ClassicSlabAllocator.Recognizes, k => new ClassicSlabAllocator(k)),
    ];

    /// <summary>
    /// The kernel's slab allocator, probed on first use. Throws <see cref="TypeNotFoundException"/> for SLOB,
    /// a kernel without types, or an unknown layout.
    /// </summary>
    public static ISlabAllocator SlabAllocatorOf(IKernel kernel) => KernelProbes.Get(kernel, Probe);

    /// <summary>The live size of struct kmem_cache (what the slab plugin registers in the runtime-size registry).</summary>
    public static KmemCacheSize KmemCacheRuntimeSize(IKernel kernel) => SlabAllocatorOf(kernel).Layout.CacheSize;

    /// <summary>for_each_slab_cache: the struct kmem_cache addresses on slab_caches, in list order, and how the walk ended.</summary>
    public static WalkResult<ulong> ForEachSlabCache(IKernel kernel, CancellationToken cancellation = default)
    {
        var layout = SlabAllocatorOf(kernel).Layout;
        ulong linkOffset = layout.KmemCache.Resolve().FindMember(layout.CacheListMember).Offset;
        return KernelLists.ListForEach(kernel.Memory, layout.CacheListHead, MaxListLength, cancellation).Select(n => n - linkOffset);
    }

    /// <summary>A cache's name, or null when unreadable.</summary>
    public static string? SlabCacheName(IKernel kernel, ulong cache)
    {
        try
        {
            return new KernelObject(kernel, SlabAllocatorOf(kernel).Layout.KmemCache, cache)["name"].ReadString(64);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return null;
        }
    }

    /// <summary>find_slab_cache: a cache by name, or by its kmem_cache address (hex), or null.</summary>
    public static ulong? FindSlabCache(IKernel kernel, string nameOrAddress, CancellationToken cancellation = default)
    {
        bool isAddress = Commands.Arguments.TryParseAddress(nameOrAddress, out var address) && KernelAddress.IsKernel(address);
        foreach (var cache in ForEachSlabCache(kernel, cancellation).Items)
        {
            if (isAddress && cache == address) return cache;
            if (!isAddress && SlabCacheName(kernel, cache) == nameOrAddress) return cache;
        }
        return null;
    }

    /// <summary>slab_object_info: the cache, slab, object and state of an address (see <see cref="ISlabAllocator.ObjectInfo"/>).</summary>
    public static SlabObjectInfo SlabObjectInfo(IKernel kernel, ulong address) => SlabAllocatorOf(kernel).ObjectInfo(address);

    /// <summary>for_each_allocated_object: the allocated objects of a cache, streamed (see <see cref="ISlabCache.ForEachAllocatedObject"/>).</summary>
    public static IEnumerable<ulong> ForEachAllocatedObject(IKernel kernel, ulong cache, Action<string>? problem = null, CancellationToken cancellation = default) =>
        SlabAllocatorOf(kernel).OpenCache(cache).ForEachAllocatedObject(problem, cancellation);

    /// <summary>
    /// The kmem -s numbers of one cache; never throws for unreadable or corrupt cache data (the statistics then
    /// carry the problem and null counts).
    /// </summary>
    public static SlabCacheStatistics SlabCacheStatistics(IKernel kernel, ulong cache, CancellationToken cancellation = default)
    {
        string? name = SlabCacheName(kernel, cache);
        try
        {
            return SlabAllocatorOf(kernel).OpenCache(cache).Statistics(name, cancellation);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return new SlabCacheStatistics(cache, name, 0, 0, null, null, null, 0, [$"kmem_cache {cache:x}: {KernelDataErrors.Reason(e)}"]);
        }
    }

    /// <summary>
    /// The head page of <paramref name="address"/>'s page in <paramref name="page"/>; when it is not a slab page,
    /// the answer saying so (else null).
    /// </summary>
    internal static SlabObjectInfo? NotASlab(IKernel kernel, ulong address, out ulong page)
    {
        page = kernel.CompoundHead(kernel.VirtToPage(address));
        if (kernel.PageSlab(page)) return null;
        return new SlabObjectInfo(address, page, false, 0, null, 0, 0, null, SlabObjectState.Unknown("not a slab page"),
            $"page {page:x} is not a slab page (flags {kernel.PageFlagsOf(page):x})");
    }

    private static ISlabAllocator Probe(IKernel kernel)
    {
        var cache = kernel.Types.FindType("struct kmem_cache")
            ?? throw new TypeNotFoundException(kernel.Types.TypeNames.Any()
                ? "struct kmem_cache is not in the kernel's types (SLOB)"
                : TypeExtensions.NotKnown(kernel.Types, "struct kmem_cache"));
        foreach (var (recognizes, create) in Allocators)
            if (recognizes(cache.Resolve()))
            {
                var allocator = create(kernel);
                kernel.Features.Record(KernelFeatureNames.Allocator, allocator.Name, allocator.Era, "Sdk.Linux.Slab");
                return allocator;
            }
        throw new TypeNotFoundException("struct kmem_cache has neither cpu_slab/cpu_sheaves (SLUB), cpu_cache nor array (SLAB): SLOB or an unknown slab allocator, not supported");
    }
}
