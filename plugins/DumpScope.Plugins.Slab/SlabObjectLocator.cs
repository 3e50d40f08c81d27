using DumpScope.Plugins.Slab.Slub;
using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Linux.Mm;
using DumpScope.Sdk.Memory;
using DumpScope.Sdk.Types;

namespace DumpScope.Plugins.Slab;

/// <summary>Where an address lies in the slab allocator.</summary>
/// <param name="Address">The address asked about.</param>
/// <param name="Page">Its struct page (the head page of a compound page).</param>
/// <param name="IsSlab">True when the page belongs to a slab.</param>
/// <param name="Cache">The kmem_cache, when a slab page.</param>
/// <param name="CacheName">Its name, when readable.</param>
/// <param name="SlabMemory">First object of the slab.</param>
/// <param name="Object">The object containing the address, or null (slab padding).</param>
/// <param name="Allocated">True/false when known; null when the allocator state could not be decided.</param>
/// <param name="FreeWhere">"cpu 0 cache" or "slab freelist" for a free object.</param>
/// <param name="Note">Why something is unknown.</param>
public sealed record SlabLocation(ulong Address, ulong Page, bool IsSlab, ulong Cache, string? CacheName, ulong SlabMemory, ulong? Object, bool? Allocated, string? FreeWhere, string? Note);

/// <summary>Answers crash's <c>kmem ADDR</c>: which cache, slab and object contain an address.</summary>
public static class SlabObjectLocator
{
    /// <summary>Locates an address; throws <see cref="MemoryFaultException"/> when its page cannot be read.</summary>
    public static SlabLocation Locate(SlabAnalyzer analyzer, ulong address)
    {
        var kernel = analyzer.Kernel;
        var layout = analyzer.Layout;
        ulong page = kernel.CompoundHead(kernel.VirtToPage(address));
        if (!kernel.PageSlab(page))
            return new SlabLocation(address, page, false, 0, null, 0, null, null, null, $"page {page:x} is not a slab page (flags {kernel.PageFlagsOf(page):x})");

        var slab = new KernelObject(kernel, layout.SlabType, page);
        ulong cache = slab["slab_cache"].ReadPointer();
        string? name = analyzer.TryName(cache);
        ulong memory = layout.SlabMemory(page);
        if (layout.Allocator != SlabAllocator.Slub)
            return new SlabLocation(address, page, true, cache, name, memory, null, null, null, "object state is decoded for SLUB only");

        var c = analyzer.OpenSlub(cache);
        var info = c.ReadSlab(page, "slab", -1);
        ulong index = (address - memory) / c.Size;
        if (address < memory || index >= info.Objects)
            return new SlabLocation(address, page, true, cache, name, memory, null, null, null, "in the slab's unused tail");
        ulong obj = memory + index * c.Size;
        var own = c.WalkFreelist(c.SlabFreelist(page), info);
        if (own.Items.Contains(obj)) return new SlabLocation(address, page, true, cache, name, memory, obj, false, "slab freelist", null);
        foreach (var (cpu, _, cpuSlab, freelist, _) in c.CpuStates())
        {
            if (cpuSlab != page) continue;
            var lockless = c.WalkFreelist(freelist, info with { Where = $"cpu {cpu}" });
            if (lockless.Items.Contains(obj)) return new SlabLocation(address, page, true, cache, name, memory, obj, false, $"cpu {cpu} cache", null);
        }
        string? note = own.IsComplete ? null : own.Problem;
        return new SlabLocation(address, page, true, cache, name, memory, obj, note is null ? true : null, null, note);
    }
}
