using DumpScope.Host.Rendering;
using DumpScope.Tui.Model;

namespace DumpScope.Tui.Tests.Model;

public sealed class TableBlockModelTests
{
    [Fact]
    public void SortsNumbersAsNumbers_AbsentLast_AndToggles()
    {
        var model = TableBlockModel.FromTable(Sizes(), "t");
        model.SortBy(1);
        Names(model).Should().Equal("b", "c", "a", "bad");
        model.ColumnNames[1].Should().Be("SIZE ▲");

        model.SortBy(1);
        Names(model).Should().Equal("a", "c", "b", "bad");
        model.ColumnNames[1].Should().Be("SIZE ▼");

        model.SortBy(1);
        Names(model).Should().Equal("a", "b", "c", "bad");
        model.SortColumn.Should().BeNull();
        model.ColumnNames[1].Should().Be("SIZE");
    }

    [Fact]
    public void SortsTextIgnoringCase_AndIsStable()
    {
        var table = new TableBlock(new Column("NAME"), new Column("N", CellKind.Integer));
        table.AddRow(Cell.Text("beta"), Cell.Int(1));
        table.AddRow(Cell.Text("Alpha"), Cell.Int(2));
        table.AddRow(Cell.Text("alpha"), Cell.Int(3));
        var model = TableBlockModel.FromTable(table, "t");
        model.SortBy(0);
        Enumerable.Range(0, model.Rows).Select(r => (string)model[r, 1]).Should().Equal("2", "3", "1");
    }

    [Fact]
    public void Filter_KeepsMatchingRows_CaseInsensitive_AndCombinesWithSort()
    {
        var model = TableBlockModel.FromTable(Sizes(), "t");
        model.SetFilter("A");
        Names(model).Should().Equal("a", "bad");
        model.TotalRows.Should().Be(4);
        model.SortBy(0);
        model.SortBy(0);
        Names(model).Should().Equal("bad", "a");
        model.SetFilter("");
        model.Rows.Should().Be(4);
    }

    [Fact]
    public void ProblemRows_GetMarkerColumn_AndFilterFindsProblemText()
    {
        var model = TableBlockModel.FromTable(Sizes(), "t");
        model.HasMarkerColumn.Should().BeFalse();

        var table = Sizes();
        table.Rows[3].Problem = "size unreadable";
        model = TableBlockModel.FromTable(table, "t");
        model.HasMarkerColumn.Should().BeTrue();
        model.ColumnNames[0].Should().Be(TableBlockModel.MarkerHeader);
        model[3, 0].Should().Be("!");
        model[0, 0].Should().Be("");
        model.SetFilter("size unreadable");
        model.Rows.Should().Be(1);
        model.RowAt(0).Problem.Should().Be("size unreadable");
    }

    [Fact]
    public void Record_BecomesFieldValueRows_WithFieldOrRecordTargets()
    {
        var record = new RecordBlock();
        record.Targets.Add(new NavigationTarget("task", "task 1"));
        record.Add("PID", Cell.Int(1)).Add("PARENT", Cell.Address(0xffff888000001000), new NavigationTarget("parent", "task 0"));
        var model = TableBlockModel.FromRecord(record, "r");
        model.ColumnNames.Should().Equal("FIELD", "VALUE");
        model[1, 1].Should().Be("ffff888000001000");
        model.RowAt(0).Targets.Select(t => t.Command).Should().Equal("task 1");
        model.RowAt(1).Targets.Select(t => t.Command).Should().Equal("task 0", "task 1");
        model.IsRecord.Should().BeTrue();
    }

    private static TableBlock Sizes()
    {
        var table = new TableBlock(new Column("NAME"), new Column("SIZE", CellKind.Size));
        table.AddRow(Cell.Text("a"), Cell.Size(1024));
        table.AddRow(Cell.Text("b"), Cell.Size(64));
        table.AddRow(Cell.Text("c"), Cell.Size(192));
        table.AddRow(Cell.Text("bad"), Cell.Unreadable("gone", CellKind.Size));
        return table;
    }

    private static List<string> Names(TableBlockModel model)
    {
        var col = model.HasMarkerColumn ? 1 : 0;
        return Enumerable.Range(0, model.Rows).Select(r => (string)model[r, col]).ToList();
    }
    [Fact]
    public void Cells_ReadAsTheCliPrintsThem_WithTheReasonCutWhereTheCliLeavesItOut()
    {
        var table = new TableBlock(new Column("SIZE", CellKind.Size), new Column("VALUE"));
        table.AddRow(Cell.Size(1UL << 30), Cell.Unreadable(new string('r', 40)));
        var model = TableBlockModel.FromTable(table, "t");
        model[0, 0].Should().Be("1g", "one formatter: the CLI's spelling");
        model[0, 0].Should().Be(CellFormatter.Format(table.Rows[0].Cells[0]));
        ((string)model[0, 1]).Should().Be(CellFormatter.Format(table.Rows[0].Cells[1], CellFormatter.ReasonWidth))
            .And.StartWith("<unreadable: rrr").And.EndWith("…>");
        model.RowAt(0).SearchText.Should().Contain(new string('r', 40), "filtering sees the whole reason");
    }
    [Fact]
    public void TypedTargets_FollowTheirResolvedCommand_UnresolvedOnesAreNotOffered()
    {
        var table = new TableBlock(new Column("OBJECT", CellKind.Address));
        var resolved = new NavigationTarget("struct task_struct", new ObjectTarget("task_struct", 0xffff888003a1e000)) { Command = "struct task_struct 0xffff888003a1e000" };
        table.AddRow(Cell.Address(0xffff888003a1e000))
            .WithTarget("page", new PageTarget(0xffffea0000000000))
            .Targets.Add(resolved);
        var model = TableBlockModel.FromTable(table, "t");
        model.RowAt(0).Targets.Should().ContainSingle().Which.Command.Should().Be("struct task_struct 0xffff888003a1e000");
    }
}
