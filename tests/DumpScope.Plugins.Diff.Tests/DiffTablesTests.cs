using DumpScope.Host.Rendering;
using DumpScope.Plugins.Diff.Commands;
using DumpScope.Plugins.Diff.Comparison;
using static DumpScope.Plugins.Diff.Tests.Synthetic;

namespace DumpScope.Plugins.Diff.Tests;

public sealed class DiffTablesTests
{
    private static CommandResult Render(DumpScope.Plugins.Diff.Snapshots.DumpSnapshot old, DumpScope.Plugins.Diff.Snapshots.DumpSnapshot @new, DiffSort sort = DiffSort.Bytes) =>
        DiffTables.Render(DumpComparison.Compare(old, @new, true), old, new DiffView("later.vmcore", sort, 10, false, true));

    [Fact]
    public void An_unreadable_cache_is_a_marked_row_and_the_command_still_succeeds()
    {
        var result = Render(Snapshot(caches: [Cache("kmalloc-64", 0, 0, problem: "page excluded"), Cache("dentry", 1, 1)]),
            Snapshot(caches: [Cache("kmalloc-64", 300, 5), Cache("dentry", 5001, 40)]));

        result.Failed.Should().BeFalse();
        var caches = result.Blocks.OfType<TableBlock>().First();
        var bad = caches.Rows.Single(r => (string)r.Cells[0].Value! == "kmalloc-64");
        bad.Problem.Should().Be("old: page excluded");
        bad.Cells[2].Absence.Should().Be(Absence.Unreadable);
        bad.Cells[4].Absence.Should().Be(Absence.Unreadable);
        bad.Cells[^1].Value.Should().Be("unreadable");
        TextRenderer.Render(result).Should().Contain("<unreadable>").And.Contain("old: page excluded");
    }

    [Fact]
    public void The_chart_holds_the_top_growers_by_the_chosen_measure()
    {
        var old = Snapshot(caches: [Cache("a", 10, 1), Cache("b", 10, 1), Cache("c", 10, 1)]);
        var @new = Snapshot(caches: [Cache("a", 1000, 2), Cache("b", 20, 9), Cache("c", 5, 1)]);

        var byBytes = Render(old, @new).Blocks.OfType<ChartBlock>().Single();
        byBytes.Labels.Should().Equal("b", "a");
        byBytes.Series.Single().Values.Should().Equal(8 * 4096, 1 * 4096);
        byBytes.ValueKind.Should().Be(CellKind.Size);

        var byObjects = Render(old, @new, DiffSort.Objects).Blocks.OfType<ChartBlock>().Single();
        byObjects.Labels.Should().Equal("a", "b");
        byObjects.Series.Single().Values.Should().Equal(990, 10);
    }

    [Fact]
    public void Json_keys_are_snake_case_and_growth_values_are_numbers()
    {
        var result = Render(Snapshot(caches: [Cache("dentry", 1, 1)], tasks: [Task(1, "init", "S")]),
            Snapshot(caches: [Cache("dentry", 51, 2)], tasks: [Task(1, "init", "S"), Task(115, "leaker-a", "S", rss: 800)]));

        using var doc = System.Text.Json.JsonDocument.Parse(JsonRenderer.Render("diff later.vmcore", result));
        var blocks = doc.RootElement.GetProperty("blocks");
        blocks[0].GetProperty("fields").GetProperty("tasks_appeared").GetInt32().Should().Be(1);
        var chart = blocks.EnumerateArray().Single(b => b.GetProperty("type").GetString() == "chart");
        chart.GetProperty("series")[0].GetProperty("key").GetString().Should().Be("bytes_growth");
        chart.GetProperty("series")[0].GetProperty("values")[0].GetInt64().Should().Be(4096);
        var caches = blocks.EnumerateArray().First(b => b.GetProperty("type").GetString() == "table");
        var dentry = caches.GetProperty("rows")[0];
        dentry.GetProperty("delta_objects").GetInt64().Should().Be(50);
        dentry.GetProperty("delta_bytes").GetInt64().Should().Be(4096);
        dentry.GetProperty("change").GetString().Should().Be("changed");
        var tasks = blocks.EnumerateArray().Single(b => b.GetProperty("title").GetString() == "tasks appeared, vanished or changed state");
        tasks.GetProperty("rows")[0].GetProperty("comm").GetString().Should().Be("leaker-a");
        tasks.GetProperty("rows")[0].GetProperty("old_state").GetProperty("absent").GetString().Should().Be("not_applicable");
    }
}
