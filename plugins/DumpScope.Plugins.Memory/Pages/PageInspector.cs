namespace DumpScope.Plugins.Memory.Pages;

/// <summary>
/// Reads struct pages: one frame's page (kmem -p) and a bounded scan of every struct page (kmem -i's SHARED),
/// through the helper layer's struct page layout (compound head, page types, slab cache) and the host's memory model.
/// </summary>
public sealed class PageInspector
{
    private readonly IKernel _kernel;
    private readonly Lazy<PageFlagNames> _names;

    /// <summary>Creates an inspector for a probed layout.</summary>
    public PageInspector(IKernel kernel, PageLayout layout)
    {
        _kernel = kernel;
        Layout = layout;
        _names = new Lazy<PageFlagNames>(() => PageFlagNames.Load(kernel, layout.Page.Flags.Count));
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
        var page = Layout.Page;
        ulong address = Layout.PageAddress(pfn);
        var raw = _kernel.Memory.ReadBytes(address, (int)page.Size, "struct page");
        ulong flags = page.ReadFlags(raw);
        int refCount = (int)U32(raw, Layout.RefCountOffset);
        uint mapRaw = U32(raw, Layout.MapCountOffset);
        ulong? head = page.HeadOf(raw, address);

        ulong headAddress = head ?? address;
        byte[]? headRaw = raw;
        if (head is { } h)
        {
            headRaw = new byte[page.Size];
            if (!_kernel.Memory.ReadVirtual(h, headRaw).IsComplete) headRaw = null;
        }
        SlabOwner? slab = headRaw is not null && page.IsSlab(headRaw) ? ReadSlabOwner(headAddress, headRaw) : null;

        // A slab page reuses the page_type / _mapcount word for its own fields on some kernels: its page type is
        // shown as its slab cache, never as a page type.
        string? pageType = slab is null ? page.TypeName(raw) : null;
        return new PageInfo(pfn, address, pfn * Layout.PageSize, flags, FlagNames.Decode(flags & page.Flags.Mask),
            refCount, unchecked((int)mapRaw + 1), pageType, U64(raw, Layout.MappingOffset),
            U64(raw, Layout.IndexOffset), head, slab);
    }

    /// <summary>The frame a kernel virtual address lives in (a struct page pointer names its own frame).</summary>
    public bool TryPfnOfVirtual(ulong address, out ulong pfn, out string problem)
    {
        problem = "";
        if (Layout.Model.IsPageAddress(address))
        {
            pfn = Layout.Model.PageToPfn(address);
            return true;
        }
        if (!Layout.Model.TryVirtToPfn(address, out pfn, out var fault))
        {
            problem = fault!.Message;
            return false;
        }
        return true;
    }

    /// <summary>
    /// Scans every struct page below max_pfn, a page of struct pages at a time (holes in the page array are skipped and
    /// counted): pages that are not PG_reserved and have _refcount &gt; 1 (crash's SHARED), PG_slab pages (slab
    /// head pages: crash 8.0.2 prints this as SLAB) and PG_reserved pages.
    /// </summary>
    public MemMapCounts ScanMemMap(CancellationToken cancellation)
    {
        var page = Layout.Page;
        long shared = 0, slab = 0, reserved = 0, scanned = 0, unreadableChunks = 0;
        int perChunk = 0;
        foreach (var chunk in MemMap.ForEachChunk(_kernel, cancellation))
        {
            perChunk = chunk.Bytes.Length / chunk.StructPageSize;
            if (chunk.Fault is not null)
            {
                unreadableChunks++;
                continue;
            }
            for (int i = 0; i < chunk.Count; i++)
            {
                var bytes = chunk.Page(i);
                ulong flags = page.ReadFlags(bytes);
                int refCount = (int)U32(bytes, Layout.RefCountOffset);
                scanned++;
                if (page.IsSlab(bytes)) slab++;
                if (PageFlags.Test(flags, page.Flags.Reserved)) reserved++;
                else if (refCount > 1) shared++;
            }
        }
        return new MemMapCounts(scanned, shared, slab, reserved, unreadableChunks, perChunk);
    }

    private SlabOwner ReadSlabOwner(ulong headPage, byte[] headRaw)
    {
        var page = Layout.Page;
        if (page.SlabCache(headRaw) is not { } cache)
            return new SlabOwner(0, null, "none", "neither struct slab nor struct page has slab_cache");
        string source = page.SlabCacheSource;
        if (!KernelAddress.IsKernel(cache))
            return new SlabOwner(cache, null, source, $"slab_cache {cache:x} of {headPage:x} is not a kernel address");
        try
        {
            var name = new KernelObject(_kernel, _kernel.Types.Require("struct kmem_cache"), cache)["name"].ReadString(64);
            return new SlabOwner(cache, name, source, null);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return new SlabOwner(cache, null, source, $"cache name unreadable: {KernelDataErrors.Reason(e)}");
        }
    }

    private static ulong U64(ReadOnlySpan<byte> data, ulong offset) => BinaryPrimitives.ReadUInt64LittleEndian(data[(int)offset..]);

    private static uint U32(ReadOnlySpan<byte> data, ulong offset) => BinaryPrimitives.ReadUInt32LittleEndian(data[(int)offset..]);
}
