using DumpScope.Sdk.Commands;

namespace DumpScope.Plugins.Slab.Commands;

/// <summary>crash's <c>kmem -s</c>: one line per slab cache.</summary>
[Command("kmem", Selector = "-s", Aliases = ["slabs"], Help = "slab caches: CACHE OBJSIZE ALLOCATED TOTAL SLABS SSIZE NAME (kmem -s [NAME|ADDR]...)",
    Examples = ["kmem -s  every slab cache", "kmem -s kmalloc-64 dentry  some caches"], SeeAlso = ["kmem -S", "kmem -i"])]
public sealed class KmemSlabSummaryCommand(SlabAnalyzer analyzer) : ICommand
{
    /// <summary>Only these caches (names or kmem_cache addresses).</summary>
    [Argument(0, Name = "NAME|ADDR", Help = "only these caches")]
    public string[] Filter { get; set; } = [];

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var result = new CommandResult();
        var layout = analyzer.Layout;
        var table = result.Add(new TableBlock(
            new Column("CACHE", CellKind.Address), new Column("OBJSIZE", CellKind.Integer), new Column("ALLOCATED", CellKind.Integer),
            new Column("TOTAL", CellKind.Integer), new Column("SLABS", CellKind.Integer), new Column("SSIZE", CellKind.Size), new Column("NAME")));
        var caches = analyzer.CacheAddresses(context.Cancellation);
        if (!caches.IsComplete) result.Warnings.Add($"slab_caches: {caches.Problem}; the caches before that point are listed");
        int done = 0;
        foreach (var address in caches.Items)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            context.Report(++done, caches.Items.Count, "reading slab caches");
            var summary = CacheReader.Summarize(analyzer, address, context.Cancellation);
            if (Filter.Length > 0 && !Filter.Any(f => f == summary.Name || Arguments.TryParseAddress(f, out var a) && a == address)) continue;
            var row = table.AddRow(
                Cell.Address(address),
                summary.ObjectSize == 0 && summary.Problems.Count > 0 ? Cell.Unreadable(summary.Problems[0], CellKind.Integer) : Cell.UInt(summary.ObjectSize),
                Count(summary.Allocated, summary), Count(summary.Total, summary), Count(summary.Slabs, summary),
                summary.SlabSize == 0 ? Cell.Unreadable("slab size unknown", CellKind.Size) : Cell.Size(summary.SlabSize),
                summary.Name is null ? Cell.Unreadable("name unreadable") : Cell.Text(summary.Name));
            if (summary.Problems.Count > 0) row.Problem = string.Join("; ", summary.Problems);
            if (summary.Name is not null) row.WithTarget("objects", $"kmem -S {summary.Name}");
            row.WithTarget("struct kmem_cache", $"struct kmem_cache {address:x}");
        }
        if (Filter.Length > 0 && table.Rows.Count == 0)
            return CommandResult.Fail($"kmem -s: no cache named {string.Join(", ", Filter)}");
        if (layout.CacheSize.Disagreement is { } d) result.Warnings.Add(d);
        result.Warnings.AddRange(layout.Notes);
        return result;
    }

    private static Cell Count(long? value, CacheSummary summary) =>
        value is { } v ? Cell.Int(v) : Cell.Unreadable(summary.Problems.FirstOrDefault() ?? "not counted", CellKind.Integer);
}
