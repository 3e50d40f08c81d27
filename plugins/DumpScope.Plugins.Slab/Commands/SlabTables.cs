using DumpScope.Sdk.Linux.Slab;

namespace DumpScope.Plugins.Slab.Commands;

/// <summary>The kmem -s table that kmem -s and kmem -S share.</summary>
internal static class SlabTables
{
    /// <summary>CACHE OBJSIZE ALLOCATED TOTAL SLABS SSIZE NAME (crash's columns), with OBJECT_SIZE and SIZE when verbose.</summary>
    public static TableBlock SummaryTable(bool verbose = false)
    {
        var columns = new List<Column>
        {
            new("CACHE", CellKind.Address), new("OBJSIZE", CellKind.Integer), new("ALLOCATED", CellKind.Integer),
            new("TOTAL", CellKind.Integer), new("SLABS", CellKind.Integer), new("SSIZE", CellKind.Size), new("NAME"),
        };
        if (verbose) columns.AddRange([new("OBJECT_SIZE", CellKind.Integer), new("SIZE", CellKind.Integer)]);
        return new TableBlock([.. columns]);
    }

    /// <summary>One cache's row; a cache that could not be read is marked with its problems, the numbers it has are kept.</summary>
    public static void AddSummaryRow(TableBlock table, SlabCacheStatistics summary, bool verbose = false)
    {
        bool unread = summary.ObjectSize == 0 && summary.Problems.Count > 0;
        var cells = new List<Cell>
        {
            Cell.Address(summary.Address),
            unread ? Cell.Unreadable(summary.Problems[0], CellKind.Integer) : Cell.UInt(summary.CrashObjectSize),
            Count(summary.Allocated, summary), Count(summary.Total, summary), Count(summary.Slabs, summary),
            summary.SlabSize == 0 ? Cell.Unreadable("slab size unknown", CellKind.Size) : Cell.Size(summary.SlabSize),
            summary.Name is null ? Cell.Unreadable("name unreadable") : Cell.Text(summary.Name),
        };
        if (verbose)
        {
            cells.Add(unread ? Cell.Unreadable(summary.Problems[0], CellKind.Integer) : Cell.UInt(summary.ObjectSize));
            cells.Add(unread ? Cell.Unreadable(summary.Problems[0], CellKind.Integer) : Cell.UInt(summary.Size));
        }
        var row = table.AddRow([.. cells]);
        if (summary.Problems.Count > 0) row.Problem = string.Join("; ", summary.Problems);
        if (summary.Name is not null) row.WithTarget("objects", $"kmem -S {summary.Name}");
        row.WithTarget("struct kmem_cache", $"struct kmem_cache {summary.Address:x}");
    }

    private static Cell Count(long? value, SlabCacheStatistics summary) =>
        value is { } v ? Cell.Int(v) : Cell.Unreadable(summary.Problems.FirstOrDefault() ?? "not counted", CellKind.Integer);
}
