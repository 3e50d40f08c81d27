namespace DumpScope.Plugins.Slab.Commands;

/// <summary>crash's <c>kmem -s</c>: one line per slab cache.</summary>
[Command("kmem", Selector = "-s", Aliases = ["slabs"], Help = "slab caches: CACHE OBJSIZE ALLOCATED TOTAL SLABS SSIZE NAME (kmem -s [-v] [NAME|ADDR]...)",
    Examples = ["kmem -s  every slab cache", "kmem -s kmalloc-64 dentry  some caches", "kmem -s -v  also OBJECT_SIZE, SIZE and the allocator"], SeeAlso = ["kmem -S", "kmem -i"])]
public sealed class KmemSlabSummaryCommand(SlabAnalyzer analyzer) : ICommand
{
    /// <summary>Only these caches (names or kmem_cache addresses).</summary>
    [Argument(0, Name = "NAME|ADDR", Help = "only these caches")]
    public string[] Filter { get; set; } = [];

    /// <summary>Also the size crash does not print (SLUB's stride, SLAB's object_size) and the allocator's era.</summary>
    [Option("-v", Help = "also OBJECT_SIZE and SIZE (crash prints SLUB's object_size, SLAB's size as OBJSIZE) and the probed allocator")]
    public bool Verbose { get; set; }

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var result = new CommandResult();
        var layout = analyzer.Layout;
        var table = result.Add(SlabTables.SummaryTable(Verbose));
        var caches = analyzer.CacheAddresses(context.Cancellation);
        if (!caches.IsComplete) result.Warnings.Add($"slab_caches: {caches.Problem}; the caches before that point are listed");
        int done = 0;
        foreach (var address in caches.Items)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            context.Report(++done, caches.Items.Count, "reading slab caches");
            var summary = analyzer.Statistics(address, context.Cancellation);
            if (Filter.Length > 0 && !Filter.Any(f => f == summary.Name || Arguments.TryParseAddress(f, out var a) && a == address)) continue;
            SlabTables.AddSummaryRow(table, summary, Verbose);
        }
        if (Filter.Length > 0 && table.Rows.Count == 0)
            return CommandResult.Fail($"kmem -s: no cache named {string.Join(", ", Filter)}");
        if (layout.CacheSize.Disagreement is { } d) result.Warnings.Add(d);
        result.Warnings.AddRange(layout.Notes);
        if (Verbose) result.Add(new TextBlock([$"allocator: {analyzer.Allocator.Era}"]));
        return result;
    }
}
