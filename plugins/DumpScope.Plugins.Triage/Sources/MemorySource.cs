using DumpScope.Plugins.Triage.Findings;
using DumpScope.Sdk.Linux.Slab;

namespace DumpScope.Plugins.Triage.Sources;

/// <summary>
/// Memory pressure from the kernel's own counters (the vm_stat counters kmem -i reads): free pages against each
/// zone's min and low watermarks, the slab's share of RAM, the 10 slab caches holding the most memory, and
/// "possible leak" when unreclaimable slab exceeds <see cref="LeakShare"/> of RAM.
/// </summary>
internal static class MemorySource
{
    /// <summary>Unreclaimable slab above this share of RAM (totalram_pages) is called a possible leak: 10 %.</summary>
    public const double LeakShare = 0.10;

    /// <summary>How many caches the top list holds.</summary>
    public const int TopCaches = 10;

    // include/linux/slab.h: SLAB_RECLAIM_ACCOUNT was 0x00020000 until the flags became bit numbers of enum
    // _slab_flag_bits ("mm, slab: use an enum to define SLAB_ cache creation flags", 6.10); the enumerator is probed first.
    private const ulong ReclaimAccountBefore610 = 0x00020000;

    public static void Run(TriageContext context)
    {
        var kernel = context.Kernel;
        var vm = new VmStat(kernel);
        long? total = KernelGlobals.TryReadInteger(kernel, "_totalram_pages", "atomic_long_t", out var t, out var problem) ? t
            : KernelGlobals.TryReadInteger(kernel, "totalram_pages", "unsigned long", out t, out problem) ? t : null;
        ulong page = (ulong)kernel.PageSize;
        bool haveFree = vm.TryRead("NR_FREE_PAGES", out var free, out var freeSource);
        long? reclaimable = vm.TryRead("NR_SLAB_RECLAIMABLE_B", out var r, out _) || vm.TryRead("NR_SLAB_RECLAIMABLE", out r, out _) ? r : null;
        long? unreclaimable = vm.TryRead("NR_SLAB_UNRECLAIMABLE_B", out var u, out _) || vm.TryRead("NR_SLAB_UNRECLAIMABLE", out u, out _) ? u : null;

        context.AddSummary("MEMORY", "memory", total is { } tot ? Cell.Size((ulong)tot * page).Displayed(Size((ulong)tot * page)) : Cell.NotAvailable(problem), new NavigationTarget("memory usage", "kmem -i"));
        context.AddSummary("FREE", "free", haveFree ? Cell.Size((ulong)free * page).Displayed(Size((ulong)free * page)) : Cell.NotAvailable(freeSource));

        // Watermarks, zone by zone, as the page allocator checks them.
        var problems = new List<string>();
        var zones = Zones.ForEachPopulatedZone(kernel, problems);
        foreach (var p in problems) context.Warnings.Add($"zones: {p}");
        var belowMin = zones.Where(z => z.Free < z.Min).ToList();
        var belowLow = zones.Where(z => z.Free >= z.Min && z.Free < z.Low).ToList();
        if (belowMin.Count > 0 || belowLow.Count > 0)
        {
            var finding = new Finding(belowMin.Count > 0 ? Severity.Error : Severity.Warning, "low_memory", "zones",
                belowMin.Count > 0 ? $"free memory below the min watermark in {string.Join(", ", belowMin.Select(Zone))}: allocations stall or fail"
                    : $"free memory below the low watermark in {string.Join(", ", belowLow.Select(Zone))}: kswapd reclaims");
            foreach (var z in belowMin.Concat(belowLow))
                finding.Evidence.Add($"node {z.Node} {z.Name}: free {z.Free} pages, min {z.Min}, low {z.Low}, high {z.High} (of {z.Managed} managed)");
            context.Findings.Add(finding.Leads("memory usage", "kmem -i"));
        }

        // The slab caches holding the most memory.
        var caches = TopSlabCaches(context, out var slabProblem);
        long slabPages = (reclaimable ?? 0) + (unreclaimable ?? 0);
        double? share = total is > 0 && reclaimable is not null ? slabPages / (double)total.Value : null;
        double? unreclaimShare = total is > 0 && unreclaimable is { } un ? un / (double)total.Value : null;
        bool leak = unreclaimShare > LeakShare;
        var memory = new Finding(leak ? Severity.Warning : Severity.Info, leak ? "possible_slab_leak" : "memory", "vm_stat",
            leak ? $"possible leak: unreclaimable slab is {Percent(unreclaimShare!.Value)} of RAM (threshold {Percent(LeakShare)}); biggest: {Unreclaimable(caches)}"
                 : $"memory: {(haveFree && total is > 0 ? $"{Percent(free / (double)total.Value)} free" : "free unknown")}, slab {(share is { } s ? Percent(s) : "?")} of RAM"
                   + (zones.Count > 0 ? ", every zone above its low watermark" : ""));
        if (total is { } all)
            memory.Evidence.Add($"RAM {Size((ulong)all * page)}, free {(haveFree ? Size((ulong)free * page) : "?")} ({freeSource})");
        if (reclaimable is not null || unreclaimable is not null)
            memory.Evidence.Add($"slab: reclaimable {Size((ulong)(reclaimable ?? 0) * page)}, unreclaimable {Size((ulong)(unreclaimable ?? 0) * page)} (vm_node_stat NR_SLAB_*)");
        if (caches.Count > 0) memory.Evidence.Add("top slab caches: " + string.Join(", ", caches.Take(5).Select(c => $"{c.Name} {Size(c.Bytes)}")));
        if (slabProblem is not null) memory.Evidence.Add($"slab caches: {slabProblem}");
        memory.Leads("memory usage", "kmem -i").Leads("slab caches", "kmem -s");
        if (leak && caches.FirstOrDefault(c => c.Reclaimable == false) is { } biggest) memory.Leads($"objects of {biggest.Name}", new SlabCacheTarget(biggest.Name, biggest.Address));
        context.Findings.Add(memory);

        if (total is { } ram && haveFree)
        {
            ulong slabBytes = (ulong)slabPages * page, freeBytes = (ulong)free * page, ramBytes = (ulong)ram * page;
            ulong other = ramBytes > freeBytes + slabBytes ? ramBytes - freeBytes - slabBytes : 0;
            context.Charts.Add(new ChartBlock(ChartKind.Pie, ["free", "slab reclaimable", "slab unreclaimable", "other used"],
                new ChartSeries("bytes", [freeBytes, (ulong)(reclaimable ?? 0) * page, (ulong)(unreclaimable ?? 0) * page, other]))
            { Title = "memory", ValueKind = CellKind.Size, LabelName = "part", OnlyWhereDrawn = true });
        }
        if (caches.Count > 0)
            context.Charts.Add(new ChartBlock(ChartKind.Bar, caches.Select(c => c.Name), new ChartSeries("bytes", caches.Select(c => (double)c.Bytes).ToArray()))
            { Title = $"top {caches.Count} slab caches by memory", ValueKind = CellKind.Size, LabelName = "cache", OnlyWhereDrawn = true });

        var table = new TableBlock(new Column("CACHE", CellKind.Address, "cache"), new Column("NAME", CellKind.Text, "name"), new Column("BYTES", CellKind.Size, "bytes"),
            new Column("OBJECTS", CellKind.Integer, "objects"), new Column("RECLAIMABLE", CellKind.Bool, "reclaimable"), new Column("POSSIBLE LEAK", CellKind.Bool, "possible_leak"))
        { Title = $"top {TopCaches} slab caches by memory" };
        foreach (var c in caches)
            table.AddRow(Cell.Address(c.Address), Cell.Text(c.Name), Cell.Size(c.Bytes), c.Objects is { } o ? Cell.Int(o) : Cell.NotAvailable("not counted", CellKind.Integer),
                c.Reclaimable is { } rc ? Cell.Bool(rc) : Cell.NotAvailable("flags unreadable", CellKind.Bool), Cell.Bool(leak && c.Reclaimable == false))
                .WithTarget("objects", new SlabCacheTarget(c.Name, c.Address));
        context.Details.Add(table);
    }

    private static IReadOnlyList<SlabUsage> TopSlabCaches(TriageContext context, out string? problem)
    {
        var kernel = context.Kernel;
        problem = null;
        WalkResult<ulong> walk;
        try
        {
            walk = SlabHelpers.ForEachSlabCache(kernel, context.Cancellation);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            problem = KernelDataErrors.Reason(e);
            return [];
        }
        if (walk.Problem is not null) problem = walk.Problem;
        ulong reclaimFlag = KernelGlobals.TryEnumValue(kernel, "enum _slab_flag_bits", "_SLAB_RECLAIM_ACCOUNT", out var bit) ? 1UL << (int)bit : ReclaimAccountBefore610;
        var usage = new List<SlabUsage>();
        int failed = 0;
        foreach (var cache in walk.Items)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            try
            {
                var stats = SlabHelpers.SlabCacheStatistics(kernel, cache, context.Cancellation);
                if (stats.Slabs is not { } slabs) { failed++; continue; }
                bool? reclaimable = null;
                var cacheObject = kernel.Object("struct kmem_cache", cache);
                if (cacheObject.HasMember("flags") && cacheObject["flags"].TryReadUnsigned(out var flags, out _)) reclaimable = (flags & reclaimFlag) != 0;
                usage.Add(new SlabUsage(cache, stats.Name ?? $"{cache:x}", (ulong)slabs * stats.SlabSize, stats.Allocated, reclaimable));
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                failed++;
            }
        }
        if (failed > 0) problem = (problem is null ? "" : problem + "; ") + $"{failed} caches could not be counted";
        return usage.OrderByDescending(c => c.Bytes).Take(TopCaches).ToList();
    }

    private static string Unreclaimable(IReadOnlyList<SlabUsage> caches) =>
        string.Join(", ", caches.Where(c => c.Reclaimable != true).Take(3).Select(c => $"{c.Name} {Size(c.Bytes)}"));

    private static string Zone(ZoneInfo z) => $"node {z.Node} {z.Name}";

    private static string Percent(double share) => string.Create(CultureInfo.InvariantCulture, $"{share * 100:F1}%");

    /// <summary>"767.5 MB" style, binary units.</summary>
    public static string Size(ulong bytes) => bytes switch
    {
        >= 1UL << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1UL << 30):F1} GB"),
        >= 1UL << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1UL << 20):F1} MB"),
        >= 1UL << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };
}
