using DumpScope.Plugins.Slab.Slub;
using DumpScope.Sdk.Commands;

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
        if (analyzer.Layout.Allocator != SlabAllocator.Slub)
            return CommandResult.Fail($"kmem -S: object listing is implemented for SLUB only; this kernel uses {analyzer.Layout.Allocator} (kmem -s works)");
        var cache = analyzer.OpenSlub(address);
        var name = analyzer.TryName(address) ?? $"{address:x}";
        var (slabs, cpuCaches, nodes, problems) = SlubObjectLister.List(cache, context.Cancellation);

        var result = new CommandResult();
        var summary = CacheReader.Summarize(analyzer, address, context.Cancellation);
        var head = result.Add(new TableBlock(new Column("CACHE", CellKind.Address), new Column("OBJSIZE", CellKind.Integer), new Column("ALLOCATED", CellKind.Integer),
            new Column("TOTAL", CellKind.Integer), new Column("SLABS", CellKind.Integer), new Column("SSIZE", CellKind.Size), new Column("NAME")));
        head.AddRow(Cell.Address(address), Cell.UInt(summary.ObjectSize), summary.Allocated is { } a ? Cell.Int(a) : Cell.Unreadable("not counted", CellKind.Integer),
            summary.Total is { } t ? Cell.Int(t) : Cell.Unreadable("not counted", CellKind.Integer), summary.Slabs is { } s ? Cell.Int(s) : Cell.Unreadable("not counted", CellKind.Integer),
            Cell.Size(summary.SlabSize), Cell.Text(name)).WithTarget("struct kmem_cache", $"struct kmem_cache {address:x}");

        var cpus = result.Add(new TableBlock(new Column("CPU", CellKind.Integer), new Column("KMEM_CACHE_CPU", CellKind.Address)) { Title = "per-CPU caches" });
        foreach (var (cpu, cpuCache) in cpuCaches)
            cpus.AddRow(Cell.Int(cpu), Cell.Address(cpuCache)).WithTarget("struct kmem_cache_cpu", $"struct kmem_cache_cpu {cpuCache:x}");

        var nodeTable = result.Add(new TableBlock(new Column("NODE", CellKind.Integer), new Column("KMEM_CACHE_NODE", CellKind.Address),
            new Column("SLABS", CellKind.Integer), new Column("PARTIAL", CellKind.Integer)) { Title = "per-node lists (full slabs are not tracked by SLUB)" });
        foreach (var (node, nodeAddress, nodeSlabs, partial) in nodes)
            nodeTable.AddRow(Cell.Int(node), Cell.Address(nodeAddress), nodeSlabs is { } ns ? Cell.Int(ns) : Cell.NotAvailable("no CONFIG_SLUB_DEBUG counters", CellKind.Integer), Cell.Int(partial))
                .WithTarget("struct kmem_cache_node", $"struct kmem_cache_node {nodeAddress:x}");

        var slabTable = result.Add(new TableBlock(new Column("WHERE"), new Column("SLAB", CellKind.Address), new Column("MEMORY", CellKind.Address),
            new Column("NODE", CellKind.Integer), new Column("TOTAL", CellKind.Integer), new Column("ALLOCATED", CellKind.Integer), new Column("FREE", CellKind.Integer)) { Title = "slabs" });
        foreach (var (slab, objects) in slabs)
        {
            int free = objects.Count(o => o.Free);
            slabTable.AddRow(Cell.Text(slab.Where), Cell.Address(slab.Descriptor), Cell.Address(slab.Memory), Cell.Int(slab.Node), Cell.UInt(slab.Objects),
                Cell.Int(objects.Count - free), Cell.Int(free)).WithTarget("struct slab", $"struct {analyzer.Layout.SlabType.Resolve().Name} {slab.Descriptor:x}");
        }

        if (!SlabsOnly)
        {
            var objectTable = result.Add(new TableBlock(new Column("OBJECT", CellKind.Address), new Column("SLAB", CellKind.Address), new Column("WHERE"), new Column("STATUS", CellKind.Enum)) { Title = "objects" });
            foreach (var (slab, objects) in slabs)
                foreach (var o in objects)
                    objectTable.AddRow(Cell.Address(o.Address), Cell.Address(o.Slab), Cell.Text(slab.Where),
                            Cell.Enum(!o.Free ? "allocated" : o.CpuCache >= 0 ? $"free (cpu {o.CpuCache} cache)" : "free"))
                        .WithTarget("kmem", $"kmem {o.Address:x}").WithTarget("rd", $"rd {o.Address:x} {Math.Max(1UL, cache.ObjectSize / 8)}");
        }
        result.Warnings.AddRange(problems);
        return result;
    }
}
