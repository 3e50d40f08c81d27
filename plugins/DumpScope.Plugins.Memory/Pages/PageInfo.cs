namespace DumpScope.Plugins.Memory.Pages;

/// <summary>What a struct page says about its frame.</summary>
/// <param name="Pfn">The frame number.</param>
/// <param name="PageAddress">The struct page's address.</param>
/// <param name="PhysicalAddress">The frame's physical address.</param>
/// <param name="Flags">page.flags as stored (section/node/zone bits included).</param>
/// <param name="FlagNames">Names of the flag bits set (below __NR_PAGEFLAGS).</param>
/// <param name="RefCount">page._refcount.</param>
/// <param name="MapCount">page._mapcount + 1 (the number of mappings), meaningless when <paramref name="PageType"/> is set.</param>
/// <param name="PageType">For pages whose _mapcount field holds a page type (buddy, offline, table, guard), its name.</param>
/// <param name="Mapping">page.mapping (an address_space, or anon_vma with bit 0 set).</param>
/// <param name="Index">page.index.</param>
/// <param name="HeadPage">For a tail page of a compound page, its head page's address.</param>
/// <param name="Slab">The owning slab cache when the (head) page is a slab page.</param>
public sealed record PageInfo(
    ulong Pfn, ulong PageAddress, ulong PhysicalAddress, ulong Flags, IReadOnlyList<string> FlagNames,
    int RefCount, int MapCount, string? PageType, ulong Mapping, ulong Index, ulong? HeadPage, SlabOwner? Slab)
{
    /// <summary>True when the page (or its head page) is a slab page.</summary>
    public bool IsSlab => Slab is not null;
}
