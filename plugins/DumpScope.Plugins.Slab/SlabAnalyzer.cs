using DumpScope.Plugins.Slab.Slub;
using DumpScope.Sdk.Commands;
using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Linux;
using DumpScope.Sdk.Linux.Lists;
using DumpScope.Sdk.Memory;
using DumpScope.Sdk.Types;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Slab;

/// <summary>
/// The slab plugin's service: probes the layout once per dump, registers the live size of struct
/// kmem_cache in the runtime-size registry (so `struct kmem_cache ADDR` honours it), enumerates caches and
/// answers which cache/slab/object holds an address.
/// </summary>
public sealed class SlabAnalyzer
{
    /// <summary>Longest list walked (caches, partial slabs) before giving up as corrupt.</summary>
    public const int MaxListLength = 1_000_000;

    private readonly IServiceProvider _services;
    private readonly Lazy<SlabLayout> _layout;
    private readonly object _encodingLock = new();
    private FreelistEncoding? _encoding;

    /// <summary>Created by DI; the kernel is resolved when first used.</summary>
    public SlabAnalyzer(IServiceProvider services)
    {
        _services = services;
        _layout = new Lazy<SlabLayout>(() =>
        {
            var layout = SlabLayout.Probe(Kernel);
            // Register before any cache is read, so that KernelObject.Load never reads the declared size.
            Kernel.RuntimeSizes.Register(new RuntimeSize("struct kmem_cache", layout.CacheSize.Size, layout.CacheSize.Source));
            return layout;
        });
    }

    /// <summary>The open dump's kernel.</summary>
    public IKernel Kernel => _services.GetService<IKernel>() ?? throw new NoDumpException();

    /// <summary>The probed layout.</summary>
    public SlabLayout Layout => _layout.Value;

    /// <summary>The freelist encoding, once detected.</summary>
    public FreelistEncoding? Encoding => _encoding;

    /// <summary>The caches on slab_caches, in list order, and how the walk ended.</summary>
    public WalkResult<ulong> CacheAddresses(CancellationToken cancellation = default)
    {
        var layout = Layout;
        // The list head was cache_chain on SLAB kernels before it became slab_caches.
        if (!Kernel.Symbols.TryGetAddress("slab_caches", out var head) && !Kernel.Symbols.TryGetAddress("cache_chain", out head))
            throw new Sdk.Types.TypeNotFoundException("neither slab_caches nor cache_chain is a symbol of this kernel");
        ulong linkOffset = layout.KmemCache.Resolve().FindMember(layout.CacheListMember).Offset;
        return KernelLists.ListForEach(Kernel.Memory, head, MaxListLength, cancellation).Select(n => n - linkOffset);
    }

    /// <summary>A SLUB cache view.</summary>
    public SlubCache OpenSlub(ulong address) => new(this, address);

    /// <summary>Finds a cache by name or address (hex).</summary>
    public ulong? FindCache(string nameOrAddress, CancellationToken cancellation = default)
    {
        bool isAddress = Arguments.TryParseAddress(nameOrAddress, out var address) && address >= 0xffff_0000_0000_0000UL;
        foreach (var cache in CacheAddresses(cancellation).Items)
        {
            if (isAddress && cache == address) return cache;
            if (!isAddress && TryName(cache) == nameOrAddress) return cache;
        }
        return null;
    }

    /// <summary>A cache's name, or null when unreadable.</summary>
    public string? TryName(ulong cache)
    {
        try
        {
            return new KernelObject(Kernel, Layout.KmemCache, cache)["name"].ReadString(64);
        }
        catch (MemoryFaultException)
        {
            return null;
        }
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

    private FreelistEncoding Remember(FreelistEncoding encoding)
    {
        lock (_encodingLock) _encoding ??= encoding;
        return _encoding.Value;
    }
}
