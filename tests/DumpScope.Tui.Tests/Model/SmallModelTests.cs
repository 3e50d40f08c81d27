using DumpScope.Host.Session;
using DumpScope.Tui.Model;

namespace DumpScope.Tui.Tests.Model;

public sealed class SmallModelTests
{
    [Fact]
    public void History_WalksBackAndForth_KeepsDraft_AndSkipsRepeats()
    {
        var history = DumpScope.Host.History.CommandHistory.InMemory();
        history.Previous("x").Should().Be("x", "an empty history leaves the line alone");
        history.Add("kmem -s");
        history.Add("kmem -s");
        history.Add("ps");
        history.Lines.Should().Equal("kmem -s", "ps");
        history.Previous("draft").Should().Be("ps");
        history.Previous("ps").Should().Be("kmem -s");
        history.Previous("kmem -s").Should().Be("kmem -s");
        history.Next().Should().Be("ps");
        history.Next().Should().Be("draft");
        history.Next().Should().Be("draft");
    }

    [Theory]
    [InlineData("kmem -s [-v] [NAME]", false)]
    [InlineData("kmem -S NAME", true)]
    [InlineData("kmem -S", false)]
    [InlineData("kmem -s [NAME ...]", false)]
    [InlineData("kmem -S [-v] NAME", true)]
    public void NeedsArgument_ReadsUsage(string usage, bool expected)
    {
        var selector = usage.Split(' ')[1];
        var command = new CommandDescriptor("kmem", selector, [], "", "slab", usage);
        CommandUsage.NeedsArgument(command).Should().Be(expected);
    }

    [Fact]
    public void NeedsArgument_UsageWithAlias()
    {
        CommandUsage.NeedsArgument(new CommandDescriptor("ps", null, ["tasks"], "", "tasks", "tasks [-t]")).Should().BeFalse();
        CommandUsage.NeedsArgument(new CommandDescriptor("task", null, [], "", "tasks", "task PID")).Should().BeTrue();
    }

    [Fact]
    public void Breadcrumbs_CutFromTheLeft()
    {
        Breadcrumbs.Format(["kmem -s", "kmem -S kmalloc-64"], 80).Should().Be("kmem -s › kmem -S kmalloc-64");
        Breadcrumbs.Format(["ps", "kmem -s", "kmem -S kmalloc-64"], 32).Should().Be("… › kmem -s › kmem -S kmalloc-64");
        Breadcrumbs.Format(["ps", "kmem -S kmalloc-64"], 10).Should().Be("kmem -S k…");
        Breadcrumbs.Format([], 10).Should().BeEmpty();
    }

    [Fact]
    public void ResultText_RendersRecordsTablesAndText_FailureAsNothing()
    {
        var result = new CommandResult();
        result.Add(new RecordBlock()).Add("RELEASE", Cell.Text("6.1.0")).Add("CPUS", Cell.Int(2));
        var table = result.Add(new TableBlock(new Column("PID", CellKind.Integer), new Column("COMM")));
        table.AddRow(Cell.Int(1), Cell.Text("systemd"));
        table.AddRow(Cell.Int(100), Cell.Text("bash"));
        result.Add(new TextBlock(["done"]));

        ResultText.ToLines(result).Should().Equal("RELEASE: 6.1.0", "   CPUS: 2", "PID  COMM", "  1  systemd", "100  bash", "done");
        ResultText.ToLines(CommandResult.Fail("no")).Should().BeEmpty();
    }

    [Fact]
    public void ResultPage_MakesBlocks_WarningsTab_AndEmptyPlaceholder()
    {
        var result = new CommandResult();
        result.Add(new TableBlock(new Column("A")));
        result.Add(new TextBlock(["x"]) { Title = "log" });
        result.Warnings.Add("w1");
        var page = ResultPage.From("cmd", result);
        page.Blocks.Select(b => b.Title).Should().Equal("Table 1", "log", "Warnings (1)");
        page.Describe().Should().Be("0 rows, 1 lines, 1 warning");

        ResultPage.From("empty", new CommandResult()).Blocks.Should().ContainSingle().Which.Title.Should().Be("Output");
    }
}
