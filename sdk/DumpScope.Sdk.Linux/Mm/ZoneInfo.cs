namespace DumpScope.Sdk.Linux.Mm;

/// <summary>One populated memory zone's free pages and watermarks (what /proc/zoneinfo prints for it), in pages.</summary>
/// <param name="Node">The NUMA node.</param>
/// <param name="Name">The zone's name ("DMA32", "Normal").</param>
/// <param name="Address">The struct zone.</param>
/// <param name="Free">zone_page_state(zone, NR_FREE_PAGES).</param>
/// <param name="Min">min_wmark_pages(zone): _watermark[WMARK_MIN] + watermark_boost.</param>
/// <param name="Low">low_wmark_pages(zone).</param>
/// <param name="High">high_wmark_pages(zone).</param>
/// <param name="Managed">zone_managed_pages(zone).</param>
public sealed record ZoneInfo(int Node, string Name, ulong Address, long Free, long Min, long Low, long High, long Managed);
