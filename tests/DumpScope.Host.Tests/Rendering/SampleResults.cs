namespace DumpScope.Host.Tests.Rendering;

/// <summary>One result with every block kind, and text that must be escaped.</summary>
internal static class SampleResults
{
    public static CommandResult EveryBlock()
    {
        var result = new CommandResult();
        var record = result.Add(new RecordBlock { Title = "summary <&>" });
        record.Add("RELEASE", Cell.Text("6.1.0 <b>&amp;"));
        record.Add("MISSING", Cell.Unreadable("page excluded <here>"));
        var table = result.Add(new TableBlock(new Column("NAME"), new Column("SIZE", CellKind.Size), new Column("COUNT", CellKind.Integer)) { Title = "caches & co" });
        table.AddRow(Cell.Text("kmalloc-<64>"), Cell.Size(4096), Cell.Int(12));
        var bad = table.AddRow(Cell.Text("dentry"), Cell.Unreadable("page excluded: \"quoted\"", CellKind.Size), Cell.Int(3));
        bad.Problem = "slab list cut: cycle at <ffff8880>";
        result.Add(new ChartBlock(ChartKind.Bar, ["shmem_inode_cache", "dentry", "filp & <x>"], new ChartSeries("bytes growth", [40_960_000, 10_240_000, 262_144]))
        {
            Title = "top growers", ValueKind = CellKind.Size, LabelName = "cache",
        });
        result.Add(new ChartBlock(ChartKind.Pie, ["S", "R", "I"], new ChartSeries("tasks", [40, 2, 18])) { Title = "task states", LabelName = "state" });
        result.Add(new ChartBlock(ChartKind.StackedBar, ["a", "b"], new ChartSeries("anon", [10, 20]), new ChartSeries("file", [5, 1])) { Title = "rss parts" });
        result.Add(new TextBlock(["line <1> & \"two\"", "plain"]) { Title = "log" });
        result.Warnings.Add("walk stopped <early> & late");
        return result;
    }
}
