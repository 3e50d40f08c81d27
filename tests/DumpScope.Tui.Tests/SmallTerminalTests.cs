using DumpScope.Host.Rendering;
using DumpScope.Tui.Model;
using DumpScope.Tui.Tests.Fakes;
using Terminal.Gui.Input;

namespace DumpScope.Tui.Tests;

/// <summary>80x24 must show data: navigator hidden (F6 toggles it), compact summary with PANIC, key bar with the essential keys.</summary>
public sealed class SmallTerminalTests
{
    [Fact]
    public void At80x24_NavigatorIsHidden_SummaryShowsPanic_AndKeyBarKeepsEssentialKeys()
    {
        using var tui = new TuiHarness(SampleRunner.Create(), width: 80, height: 24);
        tui.Window.NavigatorShown.Should().BeFalse();
        var screen = tui.Screen;
        screen.Should().NotContain("Commands");
        tui.Window.SummaryText.Split('\n').Should().HaveCountLessThanOrEqualTo(MainWindow.CompactSummaryLines)
            .And.Contain(l => l.StartsWith("PANIC: sysrq triggered crash", StringComparison.Ordinal));
        foreach (var key in new[] { "F1 Help", "F9 Cmd", "Alt+← Back", "Esc Cancel", "^Q Quit" })
            tui.Window.KeyBarText.Should().Contain(key);
        screen.Should().Contain("^Q Quit", "the key bar is on the screen, not cut off");
    }

    [Fact]
    public void At80x24_SlabTableKeepsName_AndTabbedResultShowsDataRows()
    {
        using var tui = new TuiHarness(SampleRunner.Create(), width: 80, height: 24);
        tui.Run("kmem -s");
        tui.LinesWith("OBJSIZE").Should().ContainSingle().Which.Should().Contain("NAME");
        tui.LinesWith("kmalloc-192").Should().ContainSingle().Which.Should().Contain("ffff8880010c1c00");

        tui.Run("kmem -S kmalloc-64");
        tui.Press(TuiKeys.NextBlock);
        tui.Screen.Should().Contain("ffff888003a1e040", "the objects' rows fit under the tabs");
    }

    [Fact]
    public void NavigatorToggle_ShowsAndHidesIt_AtAnyWidth()
    {
        using var tui = new TuiHarness(SampleRunner.Create(), width: 80, height: 24);
        tui.Press(TuiKeys.Navigator);
        tui.Window.NavigatorShown.Should().BeTrue();
        tui.Window.Navigator.HasFocus.Should().BeTrue();
        tui.Screen.Should().Contain("Commands").And.Contain("kmem -s");
        tui.Press(TuiKeys.Navigator);
        tui.Window.NavigatorShown.Should().BeFalse();

        using var wide = new TuiHarness(SampleRunner.Create(), width: MainWindow.WideColumns, height: 30);
        wide.Window.NavigatorShown.Should().BeTrue();
    }

    [Fact]
    public void At200x50_SummaryHasRoomForMoreFields()
    {
        var sys = SampleRunner.Sys();
        var record = (RecordBlock)sys.Blocks[0];
        record.Add("NODENAME", Cell.Text("prod_host1")).Add("MEMORY", Cell.Size(2UL << 30)).Add("UPTIME", Cell.Text("00:00:12"));
        var runner = SampleRunner.Create().On("sys", sys);
        using var tui = new TuiHarness(runner, width: 200, height: 50);
        tui.Window.NavigatorShown.Should().BeTrue();
        tui.Window.SummaryText.Should().StartWith("PANIC: sysrq triggered crash").And.Contain("NODENAME: prod_host1").And.Contain("UPTIME: 00:00:12");
        tui.Window.KeyBarText.Should().Contain("F7 Profile").And.Contain("F8 Block");
    }

    [Fact]
    public void SummaryWarnings_ArePinned_LikePanic()
    {
        var sys = SampleRunner.Sys();
        sys.Warnings.Add("dump truncated: file is 8.4 MB, the header describes 16.9 MB");
        using var tui = new TuiHarness(SampleRunner.Create().On("sys", sys), width: 80, height: 24);
        tui.Window.SummaryText.Split('\n').Should().Equal("PANIC: sysrq triggered crash", "dump truncated: file is 8.4 MB, the header describes 16.9 MB");
    }

    [Fact]
    public void Summary_PinsSessionNotes_AndTruncationFromDumpinfo_ButNotItsNo()
    {
        var dumpinfo = new CommandResult();
        dumpinfo.Add(new RecordBlock { Title = "DUMP" })
            .Add("format", Cell.Text("kdump-compressed (zlib)"))
            .Add("truncated", Cell.Text("dump truncated: file is 8.5 MB, the header describes 16.9 MB; pages past the end are missing"));
        var runner = SampleRunner.Create().On("sys", CommandResult.Fail("the kernel could not be read")).On("dumpinfo", dumpinfo);
        var options = new TuiOptions { Notes = ["no kernel symbols: give a System.map"] };
        using var tui = new TuiHarness(runner, options, width: 80, height: 24);
        tui.Window.SummaryText.Split('\n').Should().Equal(
            CellFormatter.Shorten("truncated: dump truncated: file is 8.5 MB, the header describes 16.9 MB; pages past the end are missing", 80 - 4),
            "no kernel symbols: give a System.map");

        var whole = new CommandResult();
        whole.Add(new RecordBlock()).Add("format", Cell.Text("kdump")).Add("truncated", Cell.Text("no"));
        SummaryLines.Format(whole, [], 80, 2, ["truncated"], []).Should().Equal("format: kdump");
    }

    [Fact]
    public void FilterLine_AppearsWhenUsed_AndEscClearsIt()
    {
        using var tui = new TuiHarness(SampleRunner.Create(), width: 80, height: 24);
        tui.Run("kmem -s");
        tui.Window.FilterShown.Should().BeFalse("an unused filter takes no row");
        tui.Press(new Key('/'));
        tui.Window.FilterShown.Should().BeTrue();
        tui.Type("192");
        tui.Screen.Should().NotContain("kmalloc-1k");
        tui.Press(Key.Esc);
        tui.Window.FilterField.Text.Should().BeEmpty();
        tui.Window.FilterShown.Should().BeFalse();
        tui.Screen.Should().Contain("kmalloc-1k");
    }

    [Fact]
    public void KeyBar_DropsLeastImportantKeysFirst()
    {
        KeyBar.Format(TuiKeys.Bar, 78).Should().Be("F1 Help  F2 Go to  F3 Filter  F6 Nav  F9 Cmd  Alt+← Back  Esc Cancel  ^Q Quit");
        KeyBar.Format(TuiKeys.Bar, 40).Should().Be("F1 Help  Alt+← Back  Esc Cancel  ^Q Quit");
        KeyBar.Format(TuiKeys.Bar, 500).Should().Contain("F7 Profile").And.Contain("F4 Sort");
    }

    [Fact]
    public void SummaryLines_PinPanic_PackTheRest_AndCutToWidth()
    {
        var sys = new CommandResult();
        sys.Add(new RecordBlock())
            .Add("KERNEL", Cell.Text(new string('k', 120)))
            .Add("CPUS", Cell.Int(2))
            .Add("RELEASE", Cell.Text("6.1.0-56-cloud-amd64"))
            .Add("PANIC", Cell.Text("Kernel panic - not syncing: sysrq triggered crash"));
        var lines = SummaryLines.Format(sys, [], 60, 2, ["PANIC"], ["RELEASE", "CPUS"]);
        lines.Should().Equal("PANIC: Kernel panic - not syncing: sysrq triggered crash", "RELEASE: 6.1.0-56-cloud-amd64   CPUS: 2");
        SummaryLines.Format(sys, [], 60, 4, ["PANIC"], []).Should().HaveCount(3)
            .And.Contain(l => l.StartsWith("KERNEL: kkk", StringComparison.Ordinal) && l.Length == 60 && l.EndsWith('…'));
        SummaryLines.Format(CommandResult.Fail("no"), [], 60, 2, ["PANIC"], []).Should().BeEmpty();
    }
}
