using DumpScope.Plugins.Memory.Pages;

namespace DumpScope.Plugins.Memory.Commands;

/// <summary>What <c>kmem -p</c> and <c>page</c> share: argument resolution and the result table.</summary>
internal static class PageCommandCore
{
    private const ulong MaxPhysicalAddress = 1UL << 52;

    public static CommandResult Run(MemoryAnalyzer analyzer, string[] arguments, bool pfn, CommandContext context)
    {
        if (arguments.Length == 0) throw new UsageException("kmem -p: give a struct page address, a kernel virtual address, a physical address, or --pfn N");
        var pages = analyzer.Pages;
        var result = new CommandResult();
        var table = result.Add(new TableBlock(
            new Column("PAGE", CellKind.Address), new Column("PHYSICAL", CellKind.Hex), new Column("PFN", CellKind.Hex),
            new Column("MAPPING", CellKind.Address), new Column("INDEX", CellKind.Hex), new Column("CNT", CellKind.Integer),
            new Column("MAPCOUNT", CellKind.Integer), new Column("FLAGS", CellKind.Hex), new Column("FLAG NAMES"), new Column("SLAB CACHE")));
        foreach (var argument in arguments)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            ulong frame;
            if (pfn)
            {
                if (!Arguments.TryParseNumber(argument, out frame)) throw new UsageException($"kmem -p --pfn: '{argument}' is not a number");
            }
            else
            {
                ulong address = Arguments.ParseAddress(argument);
                // The kernel half (4-level paging), or anything above the widest physical address x86-64 has
                // (MAXPHYADDR 52): a virtual address, never taken as physical (LA57's kernel half starts lower).
                if (address >= 0xffff_8000_0000_0000UL || address >= MaxPhysicalAddress)
                {
                    if (!pages.TryPfnOfVirtual(address, out frame, out var problem))
                    {
                        result.Warnings.Add($"{address:x}: {problem}");
                        continue;
                    }
                }
                else frame = address / pages.Layout.PageSize;
            }
            PageInfo info;
            try
            {
                info = pages.Describe(frame);
            }
            catch (MemoryFaultException e)
            {
                result.Warnings.Add($"pfn 0x{frame:x}: struct page at {pages.Layout.PageAddress(frame):x} unreadable: {e.Fault.Message}");
                continue;
            }
            catch (ArgumentOutOfRangeException)
            {
                result.Warnings.Add($"pfn 0x{frame:x} is beyond max_pfn 0x{pages.Layout.MaxPfn:x}");
                continue;
            }
            var names = string.Join(",", info.FlagNames);
            if (info.PageType is { } type) names = names.Length == 0 ? $"page_type:{type}" : $"{names},page_type:{type}";
            if (info.HeadPage is { } head) names = names.Length == 0 ? $"tail of {head:x}" : $"{names},tail of {head:x}";
            Cell slabCell = info.Slab is null ? Cell.NotApplicable()
                : info.Slab.Name is { } name ? Cell.Text(name)
                : Cell.Unreadable(info.Slab.Problem ?? "cache name unreadable");
            var row = table.AddRow(
                Cell.Address(info.PageAddress), Cell.Hex(info.PhysicalAddress), Cell.Hex(info.Pfn), Cell.Address(info.Mapping), Cell.Hex(info.Index),
                Cell.Int(info.RefCount), info.PageType is null ? Cell.Int(info.MapCount) : Cell.NotApplicable(CellKind.Integer),
                Cell.Hex(info.Flags), Cell.Text(names), slabCell);
            if (info.Slab is { Name: { } cacheName } named) row.WithTarget($"slab cache {cacheName}", new SlabCacheTarget(cacheName, named.Cache));
            if (info.Slab is { Cache: not 0 } s) row.WithTarget("struct kmem_cache", $"struct kmem_cache {s.Cache:x}");
            if (info.HeadPage is { } h) row.WithTarget("head page", $"kmem -p {h:x}");
        }
        if (table.Rows.Count == 0)
        {
            // Nothing found: the first problem is the error, said once (not also as a warning).
            result.Error = result.Warnings.Count > 0 ? result.Warnings[0] : "no page found";
            if (result.Warnings.Count > 0) result.Warnings.RemoveAt(0);
        }
        result.Warnings.AddRange(pages.Layout.Notes);
        return result;
    }
}
