namespace DumpScope.Sdk.Linux.Mm;

/// <summary>
/// The memory zones (include/linux/mmzone.h): for_each_populated_zone over <c>node_data[nid]->node_zones[]</c>
/// (<c>contig_page_data</c> on a kernel without NUMA), with each zone's free pages and watermarks.
/// </summary>
public static class Zones
{
    /// <summary>
    /// Every populated zone (managed pages &gt; 0). The watermarks are <c>_watermark[]</c> plus <c>watermark_boost</c>
    /// since 5.0 (commit 1c30844d2dfe "mm: reclaim small amounts of memory when an external fragmentation event
    /// occurs" renamed <c>watermark[]</c>); <c>managed_pages</c> is an atomic_long_t since 5.0 (commit
    /// 9705bea5f833 "mm: convert zone->managed_pages to atomic variable"), a plain unsigned long before. A zone that cannot be read is left out and reported.
    /// </summary>
    public static IReadOnlyList<ZoneInfo> ForEachPopulatedZone(IKernel kernel, List<string> problems)
    {
        var zones = new List<ZoneInfo>();
        if (kernel.Types.FindType("struct pglist_data") is null)
        {
            problems.Add("struct pglist_data is not in the types");
            return zones;
        }
        int count = KernelGlobals.TryEnumValue(kernel, "enum zone_type", "__MAX_NR_ZONES", out var max) ? (int)max : 4;
        if (!KernelGlobals.TryEnumValue(kernel, "enum zone_stat_item", "NR_FREE_PAGES", out var nrFree)) nrFree = 0;
        long wmarkMin = KernelGlobals.TryEnumValue(kernel, "enum zone_watermarks", "WMARK_MIN", out var m) ? m : 0;
        long wmarkLow = KernelGlobals.TryEnumValue(kernel, "enum zone_watermarks", "WMARK_LOW", out var l) ? l : 1;
        long wmarkHigh = KernelGlobals.TryEnumValue(kernel, "enum zone_watermarks", "WMARK_HIGH", out var h) ? h : 2;
        foreach (var (nid, pgdat) in Nodes(kernel, problems))
        {
            for (int z = 0; z < count; z++)
            {
                try
                {
                    var zone = pgdat[$"node_zones[{z}]"];
                    long managed = Counter(zone["managed_pages"]);
                    if (managed <= 0) continue;
                    string watermark = zone.HasMember("_watermark") ? "_watermark" : "watermark";
                    long boost = zone.HasMember("watermark_boost") ? (long)zone["watermark_boost"].ReadUnsigned() : 0;
                    long Mark(long index) => (long)zone[$"{watermark}[{index}]"].ReadUnsigned() + boost;
                    string name = zone["name"].ReadString(32);
                    long free = Counter(zone[$"vm_stat[{nrFree}]"]);
                    zones.Add(new ZoneInfo(nid, name, zone.Address, free, Mark(wmarkMin), Mark(wmarkLow), Mark(wmarkHigh), managed));
                }
                catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
                {
                    problems.Add($"node {nid} zone {z}: {KernelDataErrors.Reason(e)}");
                }
            }
        }
        return zones;
    }

    private static IEnumerable<(int Nid, KernelObject Pgdat)> Nodes(IKernel kernel, List<string> problems)
    {
        if (!kernel.Symbols.TryGetAddress("node_data", out var nodeData))
        {
            if (kernel.HasSymbol("contig_page_data")) yield return (0, kernel.Global("contig_page_data", "struct pglist_data"));
            else problems.Add("neither node_data nor contig_page_data is in this kernel");
            yield break;
        }
        var pglist = kernel.Types.Require("struct pglist_data");
        for (uint nid = 0; nid < kernel.NrNodeIds; nid++)
        {
            if (!kernel.Memory.TryReadU64(nodeData + nid * 8, out var pgdat, out var fault))
            {
                problems.Add($"node_data[{nid}]: {fault!.Message}");
                continue;
            }
            if (pgdat != 0) yield return ((int)nid, new KernelObject(kernel, pglist, pgdat));
        }
    }

    // atomic_long_t { counter } or a plain integer.
    private static long Counter(KernelObject value) => value.HasMember("counter") ? value["counter"].ReadSigned() : value.ReadSigned();
}
