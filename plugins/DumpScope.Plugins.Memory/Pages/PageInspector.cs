using System.Buffers.Binary;
using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Linux.Objects;
using DumpScope.Sdk.Memory;
using DumpScope.Sdk.Types;

namespace DumpScope.Plugins.Memory.Pages;

/// <summary>
/// Reads struct pages: one frame's page (kmem -p) and a bounded scan of the whole vmemmap (kmem -i's SHARED).
/// The slab owner is read directly (no slab service exists yet): on 5.17+ <c>struct slab</c> overlays the head
/// page and has <c>slab_cache</c>; older kernels keep <c>page.slab_cache</c>.
/// </summary>
public sealed class PageInspector
{
    // Page types live in _mapcount (include/linux/page-flags.h): a value with PAGE_TYPE_BASE's top bits and the
    // type's bit cleared. These bit values are stable since 4.17.
    private const uint PageTypeBase = 0xf000_0000;
    private static readonly (uint Bit, string Name)[] PageTypes = [(0x80, "buddy"), (0x100, "offline"), (0x200, "table"), (0x400, "guard")];

    private readonly IKernel _kernel;
    private readonly Lazy<PageFlagNames> _names;

    /// <summary>Creates an inspector for a probed layout.</summary>
    public PageInspector(IKernel kernel, PageLayout layout)
    {
        _kernel = kernel;
        Layout = layout;
        _names = new Lazy<PageFlagNames>(() => PageFlagNames.Load(kernel, layout.FlagBits));
    }

    /// <summary>The layout in use.</summary>
    public PageLayout Layout { get; }

    /// <summary>The flag names in use.</summary>
    public PageFlagNames FlagNames => _names.Value;

    /// <summary>Reads frame <paramref name="pfn"/>'s struct page; throws <see cref="MemoryFaultException"/> when unreadable.</summary>
    public PageInfo Describe(ulong pfn)
    {
        if (Layout.MaxPfn != 0 && pfn >= Layout.MaxPfn)
            throw new ArgumentOutOfRangeException(nameof(pfn), $"pfn {pfn:#x} is beyond max_pfn {Layout.MaxPfn:#x}");
        ulong address = Layout.PageAddress(pfn);
        var raw = _kernel.Memory.ReadBytes(address, (int)Layout.PageStructSize, "struct page");
        ulong flags = U64(raw, Layout.FlagsOffset);
        int refCount = (int)U32(raw, Layout.RefCountOffset);
        uint mapRaw = U32(raw, Layout.MapCountOffset);
        ulong? head = null;
        if (Layout.CompoundHeadOffset is { } ch && (U64(raw, ch) & 1) != 0) head = U64(raw, ch) - 1;

        ulong headAddress = head ?? address;
        ulong headFlags = flags;
        if (head is { } h && !_kernel.Memory.TryReadU64(h + Layout.FlagsOffset, out headFlags, out _)) headFlags = 0;
        SlabOwner? slab = Layout.SlabBit is { } bit && (headFlags & (1UL << bit)) != 0 ? ReadSlabOwner(headAddress) : null;

        ulong flagMask = Layout.FlagBits >= 64 ? ulong.MaxValue : (1UL << Layout.FlagBits) - 1;
        return new PageInfo(pfn, address, pfn * Layout.PageSize, flags, FlagNames.Decode(flags & flagMask),
            refCount, unchecked((int)mapRaw + 1), PageTypeName(mapRaw, slab is not null), U64(raw, Layout.MappingOffset),
            U64(raw, Layout.IndexOffset), head, slab);
    }

    /// <summary>The frame a kernel virtual address lives in (a struct page pointer names its own frame).</summary>
    public bool TryPfnOfVirtual(ulong address, out ulong pfn, out string problem)
    {
        problem = "";
        if (Layout.IsPageAddress(address))
        {
            pfn = Layout.PfnOf(address);
            return true;
        }
        var translation = _kernel.Memory.Translate(address);
        if (!translation.Success)
        {
            pfn = 0;
            problem = translation.Fault!.Message;
            return false;
        }
        pfn = translation.PhysicalAddress / Layout.PageSize;
        return true;
    }

    /// <summary>
    /// Scans every struct page below max_pfn, a vmemmap page at a time (holes in the vmemmap are skipped and
    /// counted): pages that are not PG_reserved and have _refcount &gt; 1 (crash's SHARED), PG_slab pages (slab
    /// head pages: crash 8.0.2 prints this as SLAB) and PG_reserved pages.
    /// </summary>
    public MemMapCounts ScanMemMap(CancellationToken cancellation)
    {
        ulong maxPfn = Layout.MaxPfn;
        if (maxPfn == 0) throw new NotSupportedException("max_pfn is unknown");
        int perChunk = (int)(Layout.PageSize / Layout.PageStructSize);
        if (perChunk == 0 || Layout.PageSize % Layout.PageStructSize != 0)
            throw new NotSupportedException($"sizeof(struct page)={Layout.PageStructSize} does not divide the page size");
        var buffer = new byte[Layout.PageSize];
        long shared = 0, slab = 0, reserved = 0, scanned = 0, unreadableChunks = 0;
        ulong reservedMask = Layout.ReservedBit is { } r ? 1UL << r : 0;
        ulong slabMask = Layout.SlabBit is { } s ? 1UL << s : 0;
        // The vmemmap is page aligned at frame 0, so chunk k holds frames k*perChunk .. +perChunk-1.
        for (ulong first = 0; first < maxPfn; first += (ulong)perChunk)
        {
            if ((first & 0xffff) == 0) cancellation.ThrowIfCancellationRequested();
            var read = _kernel.Memory.ReadVirtual(Layout.PageAddress(first), buffer);
            if (!read.IsComplete)
            {
                unreadableChunks++;
                continue;
            }
            int count = (int)Math.Min((ulong)perChunk, maxPfn - first);
            for (int i = 0; i < count; i++)
            {
                ulong at = (ulong)i * Layout.PageStructSize;
                ulong flags = U64(buffer, at + Layout.FlagsOffset);
                int refCount = (int)U32(buffer, at + Layout.RefCountOffset);
                scanned++;
                if ((flags & slabMask) != 0) slab++;
                if ((flags & reservedMask) != 0) reserved++;
                else if (refCount > 1) shared++;
            }
        }
        return new MemMapCounts(scanned, shared, slab, reserved, unreadableChunks, perChunk);
    }

    private SlabOwner ReadSlabOwner(ulong headPage)
    {
        string source;
        ulong cacheOffset;
        if (_kernel.Types.FindType("struct slab")?.Resolve() is { } slabType && slabType.TryFindMember("slab_cache", out var m))
        {
            source = "struct slab.slab_cache";
            cacheOffset = m.Offset;
        }
        else if (Layout.PageType.Resolve().TryFindMember("slab_cache", out var pm))
        {
            source = "page.slab_cache";
            cacheOffset = pm.Offset;
        }
        else
        {
            return new SlabOwner(0, null, "none", "neither struct slab nor struct page has slab_cache");
        }
        if (!_kernel.Memory.TryReadU64(headPage + cacheOffset, out var cache, out var fault))
            return new SlabOwner(0, null, source, fault!.Message);
        if (!KernelAddress.IsKernel(cache))
            return new SlabOwner(cache, null, source, $"slab_cache {cache:x} is not a kernel address");
        try
        {
            var name = new KernelObject(_kernel, _kernel.Types.Require("struct kmem_cache"), cache)["name"].ReadString(64);
            return new SlabOwner(cache, name, source, null);
        }
        catch (MemoryFaultException e)
        {
            return new SlabOwner(cache, null, source, $"cache name unreadable: {e.Fault.Message}");
        }
        catch (TypeNotFoundException e)
        {
            return new SlabOwner(cache, null, source, e.Message);
        }
    }

    private static string? PageTypeName(uint mapRaw, bool isSlab)
    {
        // A slab page reuses the _mapcount word for its own fields on some kernels: never call it a page type.
        if (isSlab) return null;
        foreach (var (bit, name) in PageTypes)
            if ((mapRaw & (PageTypeBase | bit)) == PageTypeBase) return name;
        return null;
    }

    private static ulong U64(ReadOnlySpan<byte> data, ulong offset) => BinaryPrimitives.ReadUInt64LittleEndian(data[(int)offset..]);

    private static uint U32(ReadOnlySpan<byte> data, ulong offset) => BinaryPrimitives.ReadUInt32LittleEndian(data[(int)offset..]);
}
