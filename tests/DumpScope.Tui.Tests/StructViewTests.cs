using DumpScope.Tui.Model;
using DumpScope.Tui.Tests.Fakes;
using Terminal.Gui.Input;

namespace DumpScope.Tui.Tests;

/// <summary>The struct view: opens on the members (the short record is a header line), nested structs and arrays fold, x shows hex, Enter follows a pointer.</summary>
public sealed class StructViewTests
{
    [Fact]
    public void Struct_OpensOnMembers_WithHeaderLine_AndNestedGroupsClosed()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        tui.Run(SampleRunner.TaskStructLine);

        tui.Window.HeaderText.Should().Be("TYPE: struct task_struct   ADDRESS: ffff888003a1e000   SIZE: 9728");
        tui.Window.CurrentPage!.Blocks.Should().ContainSingle("the record is the header, not a tab of the same title");
        var screen = tui.Screen;
        screen.Should().Contain("▸ thread_info {2}").And.Contain("▸ se {2}").And.Contain("▸ pids {2}").And.Contain("__state").And.Contain("comm");
        screen.Should().NotContain("load_sum", "nested members start closed");
        tui.Window.StatusText.Should().Contain("9 members");
    }

    [Fact]
    public void Space_OpensAndClosesNestedStruct_EnterOpensToo()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        tui.Run(SampleRunner.TaskStructLine);
        tui.Window.Results.CurrentRow!.Texts[0].Should().Be("thread_info");

        tui.Press(TuiKeys.Fold);
        var screen = tui.Screen;
        screen.Should().Contain("▾ thread_info {2}").And.Contain("    flags").And.Contain("    cpu");

        tui.Press(Key.CursorDown);
        tui.Press(TuiKeys.Fold);
        tui.Screen.Should().Contain("▸ thread_info {2}", "Space on a member closes the struct that holds it").And.NotContain("    cpu");
        tui.Window.Results.CurrentRow!.Texts[0].Should().Be("thread_info", "the cursor goes to the closed struct");

        // se: down past thread_info and __state.
        tui.Press(Key.CursorDown);
        tui.Press(Key.CursorDown);
        tui.Press(Key.Enter);
        tui.Screen.Should().Contain("▾ se {2}").And.Contain("▸ load {1}").And.Contain("▸ avg {1}");
    }

    [Fact]
    public void PlusAndMinus_OpenAndCloseEverything_AndArraysFoldByElement()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        tui.Run(SampleRunner.TaskStructLine);
        tui.Press(TuiKeys.UnfoldAll);
        var screen = tui.Screen;
        screen.Should().Contain("▾ pids {2}").And.Contain("▾ [0] {1}").And.Contain("▾ node {1}").And.Contain("load_sum");
        tui.Press(TuiKeys.FoldAll);
        tui.Screen.Should().NotContain("load_sum").And.Contain("▸ pids {2}");
    }

    [Fact]
    public void X_TogglesIntegersBetweenHexAndDecimal()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        tui.Run(SampleRunner.TaskStructLine);
        tui.LinesWith("__state").Single().Should().Contain("255");
        tui.Press(TuiKeys.Hex);
        tui.LinesWith("__state").Single().Should().Contain("0xff").And.NotContain("255");
        tui.Window.KeyBarText.Should().Contain("x Dec");
        tui.Press(TuiKeys.Hex);
        tui.LinesWith("__state").Single().Should().Contain("255");
    }

    [Fact]
    public void Enter_OnPointerMember_FollowsIt_AndBackReturns()
    {
        var runner = SampleRunner.Create();
        using var tui = new TuiHarness(runner);
        tui.Run(SampleRunner.TaskStructLine);
        var rows = tui.Window.CurrentPage!.Blocks.OfType<TableBlockModel>().Single();
        var mm = Enumerable.Range(0, rows.Rows).Single(i => rows.RowAt(i).Texts[0] == "mm");
        for (var i = 0; i < mm; i++)
            tui.Press(Key.CursorDown);
        tui.Window.StatusText.Should().Contain("struct mm_struct ffff888004bd0000");

        tui.Press(Key.Enter);
        tui.Settle();
        runner.Calls.Should().Contain("struct mm_struct ffff888004bd0000");
        tui.Screen.Should().Contain("mmap_base");
        tui.Press(TuiKeys.Back);
        tui.Window.Results.CurrentRow!.Texts[0].Should().Be("mm");
    }

    [Fact]
    public void Filter_ShowsMatchingMembersWithFullPaths()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        tui.Run(SampleRunner.TaskStructLine);
        tui.Press(TuiKeys.Filter);
        tui.Type("load");
        var screen = tui.Screen;
        screen.Should().Contain("se.load.weight").And.Contain("se.avg.load_sum").And.NotContain("__state");
    }

    [Theory]
    [InlineData("se.avg.load_sum", new[] { "se", "se.avg" })]
    [InlineData("pids[0].node.next", new[] { "pids", "pids[0]", "pids[0].node" })]
    [InlineData("pids[16..31]", new[] { "pids" })]
    [InlineData("a[1][2]", new[] { "a", "a[1]" })]
    [InlineData("__state", new string[0])]
    public void MemberTree_Prefixes(string path, string[] expected) =>
        MemberTree.Prefixes(path).Should().Equal(expected);
}
