namespace DumpScope.Plugins.Slab.Commands;

/// <summary>crash's <c>kmem -S NAME</c>: the slabs of a cache that the allocator tracks and every object's state.</summary>
[Shows(typeof(SlabCacheTarget), "{Name}")]
[Command("kmem", Selector = "-S", Help = "objects of a slab cache, per CPU and per node, allocated or free (kmem -S NAME|ADDR)",
    Examples = ["kmem -S kmalloc-64  every object of a cache, allocated or free", "kmem -S ffff89ab01042500  a cache by its address"], SeeAlso = ["kmem -s", "kmem"])]
public sealed class KmemSlabObjectsCommand(SlabAnalyzer analyzer) : ICommand
{
    /// <summary>The cache.</summary>
    [Argument(0, Name = "NAME|ADDR", Required = true, Help = "cache name or kmem_cache address")]
    public string Cache { get; set; } = "";

    /// <summary>Only the slab summaries, not every object.</summary>
    [Option("--slabs-only", Help = "list slabs without their objects")]
    public bool SlabsOnly { get; set; }

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var address = analyzer.FindCache(Cache, context.Cancellation)
            ?? throw new UsageException($"kmem -S: no slab cache '{Cache}' (kmem -s lists them)");
        var cache = analyzer.Allocator.OpenCache(address);
        var name = analyzer.TryName(address) ?? $"{address:x}";
        // The slabs and objects tables are streamed: each is a walk of the slabs, one slab's objects at a time, run
        // while the output is written (the first rows show at once, memory does not grow with the cache).
        var walk = cache.Walk(context.Cancellation);

        var result = new CommandResult();
        var summary = analyzer.Statistics(address, context.Cancellation);
        var head = result.Add(SlabTables.SummaryTable());
        SlabTables.AddSummaryRow(head, summary with { Name = name });

        string cpuType = walk.CpuCacheType, nodeType = walk.NodeType;
        var cpus = result.Add(new TableBlock(new Column("CPU", CellKind.Integer), new Column(Upper(cpuType), CellKind.Address)) { Title = "per-CPU caches" });
        foreach (var c in walk.CpuCaches)
            cpus.AddRow(Cell.Int(c.Cpu), Cell.Address(c.Address)).WithTarget(cpuType, $"{cpuType} {c.Address:x}");

        var nodeTable = result.Add(new TableBlock(new Column("NODE", CellKind.Integer), new Column(Upper(nodeType), CellKind.Address),
            new Column("SLABS", CellKind.Integer), new Column("PARTIAL", CellKind.Integer)) { Title = $"per-node lists ({walk.NodeListsNote})" });
        foreach (var n in walk.Nodes)
            nodeTable.AddRow(Cell.Int(n.Node), Cell.Address(n.Address), n.Slabs is { } ns ? Cell.Int(ns) : Cell.NotAvailable("no CONFIG_SLUB_DEBUG counters", CellKind.Integer), Cell.Int(n.Partial))
                .WithTarget(nodeType, $"{nodeType} {n.Address:x}");

        // What the walk could not read, from its first pass, is added once the last table is written.
        var problems = new List<string>();
        var slabTable = result.Add(new TableBlock(new Column("WHERE"), new Column("SLAB", CellKind.Address), new Column("MEMORY", CellKind.Address),
            new Column("NODE", CellKind.Integer), new Column("TOTAL", CellKind.Integer), new Column("ALLOCATED", CellKind.Integer), new Column("FREE", CellKind.Integer)) { Title = "slabs" });
        string slabType = $"struct {analyzer.Layout.SlabType.Resolve().Name}";
        TableBlock? objectTable = null;
        slabTable.Streamed(SlabRows());
        IEnumerable<TableRow> SlabRows()
        {
            // The objects table's text columns as wide as they will be, known from this pass (its rows come later).
            int where = 0, status = 0;
            foreach (var (slab, objects) in walk.Slabs(problems.Add))
            {
                int free = 0;
                foreach (var o in objects)
                {
                    if (o.State.IsFree) free++;
                    status = Math.Max(status, o.State.Text.Length);
                }
                if (objects.Count > 0) where = Math.Max(where, slab.Where.Length);
                yield return slabTable.NewRow(Cell.Text(slab.Where), Cell.Address(slab.Descriptor), Cell.Address(slab.Memory), Cell.Int(slab.Node), Cell.UInt(slab.Objects),
                    Cell.Int(objects.Count - free), Cell.Int(free)).WithTarget("struct slab", $"{slabType} {slab.Descriptor:x}");
            }
            if (objectTable is not null) objectTable.TextWidths = [0, 0, where, status];
            if (SlabsOnly) result.Warnings.AddRange(problems);
        }

        if (!SlabsOnly)
        {
            objectTable = result.Add(new TableBlock(new Column("OBJECT", CellKind.Address), new Column("SLAB", CellKind.Address), new Column("WHERE"), new Column("STATUS", CellKind.Enum)) { Title = "objects" });
            // A cache named after its type leads to the object's members first (Enter), then to kmem and rd.
            var objectType = CacheObjectType.Find(context.Kernel.Types, name);
            var objectsTable = objectTable;
            objectsTable.Streamed(ObjectRows());
            IEnumerable<TableRow> ObjectRows()
            {
                foreach (var (slab, objects) in walk.Slabs())
                    foreach (var o in objects)
                    {
                        var row = objectsTable.NewRow(Cell.Address(o.Address), Cell.Address(o.Slab), Cell.Text(slab.Where), Cell.Enum(o.State.Text));
                        if (objectType is not null)
                            row.WithTarget($"struct {objectType}", new ObjectTarget(objectType, o.Address));
                        yield return row.WithTarget("kmem", $"kmem {o.Address:x}").WithTarget("rd", $"rd {o.Address:x} {Math.Max(1UL, cache.ObjectSize / 8)}");
                    }
                result.Warnings.AddRange(problems);
            }
        }
        return result;
    }

    private static string Upper(string cType) => cType.Replace("struct ", "", StringComparison.Ordinal).ToUpperInvariant();
}
