using DumpScope.Tui.Model;
using DumpScope.Tui.Tests.Fakes;
using Terminal.Gui.Input;

namespace DumpScope.Tui.Tests;

/// <summary>Keys that reach everything: ? for help, / and : outside text fields, copy to the clipboard with OSC 52.</summary>
public sealed class KeyTests
{
    [Fact]
    public void QuestionMark_ShowsKeys_FromTable_ButIsTypedInCommandLine()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        tui.Run("kmem -s");
        tui.Press(new Key('?'));
        tui.Window.NavigationPath.Should().Equal("kmem -s", "keys");
        tui.Screen.Should().Contain("copy the cell or line under the cursor");

        tui.Press(TuiKeys.CommandLine);
        tui.Type("help?");
        tui.Window.CommandLine.Text.Should().Be("help?");
    }

    [Fact]
    public void Colon_FocusesCommandLine()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        tui.Run("kmem -s");
        tui.Press(new Key(':'));
        tui.Window.CommandLine.HasFocus.Should().BeTrue();
    }

    [Fact]
    public void Copy_WritesCellUnderCursorAsOsc52()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        var written = new List<string>();
        tui.Window.WriteToTerminal = written.Add;
        tui.Run("kmem -s");
        tui.Press(Key.CursorRight); // marker column -> CACHE

        tui.Press(TuiKeys.Copy);
        written.Should().Equal(Osc52.Sequence("ffff8880010c1a00"));
        written[0].Should().Be("\u001b]52;c;ZmZmZjg4ODAwMTBjMWEwMA==\u0007");
        tui.Window.StatusText.Should().Contain("copied: ffff8880010c1a00");
    }

    [Fact]
    public void Copy_OfUnreadableCell_CopiesItsWholeReason_AndOfTextLine_TheLine()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        var written = new List<string>();
        tui.Window.WriteToTerminal = written.Add;
        tui.Run("kmem -s");
        for (var i = 0; i < 3; i++)
            tui.Press(Key.CursorDown);
        tui.Press(Key.CursorRight);
        tui.Press(Key.CursorRight);
        tui.Press(TuiKeys.Copy);
        written.Should().ContainSingle().Which.Should().Be(Osc52.Sequence("<unreadable: " + SampleRunner.ExcludedReason + ">"));

        tui.Run("sys");
        tui.Run("kmem -S kmalloc-192");
        tui.Press(TuiKeys.Copy);
        written.Should().HaveCount(2).And.EndWith(Osc52.Sequence("kmalloc-192: 2100 objects"));
    }

    [Fact]
    public void PageBuilding_StopsWhenCancelled()
    {
        var result = new DumpScope.Sdk.Commands.CommandResult();
        var table = result.Add(new DumpScope.Sdk.Commands.TableBlock(new DumpScope.Sdk.Commands.Column("A", DumpScope.Sdk.Commands.CellKind.Address)));
        for (var i = 0; i < 10_000; i++)
            table.AddRow(DumpScope.Sdk.Commands.Cell.Address((ulong)i));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var build = () => ResultPage.From("rd -p 0 1048576", result, cancelled.Token);
        build.Should().Throw<OperationCanceledException>();
        ResultPage.From("rd", result).Blocks.Should().ContainSingle();
    }
}
