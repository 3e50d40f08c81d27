using DumpScope.Tui.Tests.Fakes;
using Terminal.Gui.Input;
using Terminal.Gui.Testing;

namespace DumpScope.Tui.Tests;

public sealed class MainWindowTests
{
    [Fact]
    public void Startup_ShowsSummaryAndNavigator()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        var screen = tui.Screen;
        screen.Should().Contain("RELEASE: 6.1.0-28-amd64");
        screen.Should().Contain("slab 1.0.0").And.Contain("kmem -s").And.Contain("kmem -S").And.Contain("tasks 1.0.0");
        screen.Should().Contain("^Q Quit");
    }

    [Fact]
    public void Startup_SummaryFallsBackToNextCommand_AndFailingSummaryShowsNothing()
    {
        var runner = SampleRunner.Create().On("dumpinfo", CommandResult.FromText("dump: kdump-compressed"));
        using (var tui = new TuiHarness(runner, new TuiOptions { SummaryCommands = ["nosuch", "dumpinfo"] }))
            tui.Screen.Should().Contain("dump: kdump-compressed");

        using (var tui = new TuiHarness(SampleRunner.Create(), new TuiOptions { SummaryCommands = ["boom"] }))
        {
            tui.Window.SummaryText.Should().BeEmpty();
            tui.Screen.Should().NotContain("Summary");
        }
    }

    [Fact]
    public void SlabTable_ShowsTypedCells_ProblemMarker_AndUnreadableReason()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        tui.Run("kmem -s");

        var screen = tui.Screen;
        screen.Should().Contain("kmalloc-64");
        screen.Should().Contain("ffff8880010c1a00", "addresses are 16 hex digits");
        screen.Should().Contain("<unreadable: page excluded");
        tui.LinesWith("ffff8801263d6000").Should().ContainSingle().Which.Should().Contain("│!│", "a row with a problem gets a marker");
        tui.Window.NavigationPath.Should().Equal("kmem -s");
        tui.Window.StatusText.Should().Contain("4 rows").And.Contain("1 warning");
        screen.Should().Contain("Warnings (1)", "warnings get their own tab");
    }

    [Fact]
    public void EnterOnRow_FollowsFirstTarget_AndBackspaceGoesBack()
    {
        var runner = SampleRunner.Create();
        using var tui = new TuiHarness(runner);
        tui.Run("kmem -s");

        tui.Press(Key.Enter);
        tui.Settle();

        runner.Calls.Should().Contain("kmem -S kmalloc-64");
        var screen = tui.Screen;
        screen.Should().Contain("ffff888003a1e040", "the objects result is shown");
        tui.Window.HeaderText.Should().Be("NAME: kmalloc-64   OBJSIZE: 64", "its short leading record is the header line");
        screen.Should().Contain("kmem -s › kmem -S kmalloc-64", "breadcrumbs show the path");
        tui.Window.NavigationPath.Should().Equal("kmem -s", "kmem -S kmalloc-64");

        tui.Press(Key.Backspace);
        tui.Settle();
        screen = tui.Screen;
        screen.Should().Contain("kmalloc-192").And.NotContain("ffff888003a1e040");
        tui.Window.NavigationPath.Should().Equal("kmem -s");
        tui.Window.Results.CurrentRow!.Texts.Should().Contain("kmalloc-64", "the cursor comes back to the row it left");
    }

    [Fact]
    public void AltLeft_GoesBack_AndBackWithoutHistorySaysSo()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        tui.Run("kmem -s");
        tui.Run("ps");
        tui.Window.NavigationPath.Should().Equal("kmem -s", "ps");

        tui.Press(TuiKeys.Back);
        tui.Window.NavigationPath.Should().Equal("kmem -s");
        tui.Press(TuiKeys.Back);
        tui.Window.StatusText.Should().Contain("nothing to go back to");
    }

    [Fact]
    public void GoToKey_ChoosesAmongTargets()
    {
        var runner = SampleRunner.Create().On("struct kmem_cache ffff8880010c1a00", CommandResult.FromText("struct kmem_cache {", "  size = 64,"));
        using var tui = new TuiHarness(runner);
        tui.Run("kmem -s");

        tui.Press(TuiKeys.GoTo);
        tui.Window.Chooser.IsOpen.Should().BeTrue();
        var screen = tui.Screen;
        screen.Should().Contain("objects: kmem -S kmalloc-64").And.Contain("struct kmem_cache: struct kmem_cache ffff8880010c1a00");

        tui.Press(Key.CursorDown);
        tui.Press(Key.Enter);
        tui.Settle();
        tui.Window.Chooser.IsOpen.Should().BeFalse();
        runner.Calls.Should().Contain("struct kmem_cache ffff8880010c1a00");
        tui.Screen.Should().Contain("size = 64");
    }

    [Fact]
    public void Esc_ClosesChooserWithoutRunning()
    {
        var runner = SampleRunner.Create();
        using var tui = new TuiHarness(runner);
        tui.Run("kmem -s");
        tui.Press(TuiKeys.GoTo);
        tui.Press(Key.Esc);
        tui.Window.Chooser.IsOpen.Should().BeFalse();
        tui.Window.IsRunning.Should().BeTrue();
        runner.Calls.Should().NotContain("kmem -S kmalloc-64");
    }

    [Fact]
    public void Esc_CancelsBlockingCommand_AndAppStaysAlive()
    {
        using var started = new ManualResetEventSlim();
        var observed = false;
        var runner = SampleRunner.Create().On("hang", (token, _) =>
        {
            started.Set();
            token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
            observed = token.IsCancellationRequested;
            token.ThrowIfCancellationRequested();
            return CommandResult.FromText("not cancelled");
        });
        using var tui = new TuiHarness(runner);
        tui.Run("kmem -s");

        tui.Press(TuiKeys.CommandLine);
        tui.Type("hang");
        tui.Press(Key.Enter);
        started.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue();
        tui.Pump();
        tui.Window.IsBusy.Should().BeTrue();
        tui.Window.StatusText.Should().Contain("running hang");

        tui.Press(Key.Esc);
        tui.Settle();

        observed.Should().BeTrue("the command saw its token cancelled");
        tui.Window.IsBusy.Should().BeFalse();
        tui.Window.IsRunning.Should().BeTrue("Esc cancels, it does not quit");
        tui.Window.StatusText.Should().Contain("cancelled: hang");
        tui.Window.NavigationPath.Should().Equal("kmem -s");

        tui.Run("ps");
        tui.Screen.Should().Contain("kthreadd");
    }

    [Fact]
    public void FailedResult_ShowsError_AndKeepsPage()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        tui.Run("kmem -s");
        tui.Run("boom");

        tui.Window.StatusText.Should().Contain("boom");
        tui.Window.IsRunning.Should().BeTrue();
        tui.Screen.Should().Contain("kmalloc-64");
        tui.Window.NavigationPath.Should().Equal("kmem -s");
    }

    [Fact]
    public void ThrowingRunner_ShowsError_AndAppStaysAlive()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        tui.Run("throw");
        tui.Window.StatusText.Should().Contain("InvalidOperationException").And.Contain("kaboom");
        tui.Window.IsRunning.Should().BeTrue();
        tui.Run("ps");
        tui.Screen.Should().Contain("systemd");
    }

    [Fact]
    public void Progress_IsShownWhileRunning()
    {
        using var gate = new ManualResetEventSlim();
        using var reported = new ManualResetEventSlim();
        var runner = SampleRunner.Create().On("slow", (token, progress) =>
        {
            progress?.Report(new CommandProgress(5, 10, "reading caches"));
            reported.Set();
            gate.Wait(token);
            return CommandResult.FromText("done slowly");
        });
        using var tui = new TuiHarness(runner);
        tui.Press(TuiKeys.CommandLine);
        tui.Type("slow");
        tui.Press(Key.Enter);
        reported.Wait(TimeSpan.FromSeconds(10)).Should().BeTrue();
        tui.Pump();
        tui.Window.StatusText.Should().Contain("reading caches 5/10 (50%)");

        gate.Set();
        tui.Settle();
        tui.Screen.Should().Contain("done slowly");
    }

    [Fact]
    public void SortKey_SortsNumerically_ThenDescending_ThenOriginal()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        tui.Run("kmem -s");
        tui.Press(Key.CursorRight); // CACHE -> OBJSIZE (marker column first, then CACHE)
        tui.Press(Key.CursorRight);

        tui.Press(TuiKeys.Sort);
        Order(tui).Should().Equal("kmalloc-64", "kmalloc-192", "kmalloc-1k");
        tui.Screen.Should().Contain("OBJSIZE ▲");

        tui.Press(TuiKeys.Sort);
        Order(tui).Should().Equal("kmalloc-1k", "kmalloc-192", "kmalloc-64");
        tui.Screen.Should().Contain("OBJSIZE ▼");

        tui.Press(TuiKeys.Sort);
        Order(tui).Should().Equal("kmalloc-64", "kmalloc-1k", "kmalloc-192");
    }

    [Fact]
    public void ClickOnHeader_Sorts()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        tui.Run("kmem -s");
        var header = tui.LinesWith("OBJSIZE").First();
        var y = tui.Screen.Split('\n').ToList().IndexOf(header);
        var x = header.IndexOf("OBJSIZE", StringComparison.Ordinal) + 2;

        tui.App.InjectSequence(InputInjectionExtensions.LeftButtonClick(new System.Drawing.Point(x, y)));
        tui.Pump();

        Order(tui).Should().Equal("kmalloc-64", "kmalloc-192", "kmalloc-1k");
    }

    [Fact]
    public void Filter_KeepsRowsContainingText()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        tui.Run("kmem -s");
        tui.Press(TuiKeys.Filter);
        tui.Type("192");
        var screen = tui.Screen;
        screen.Should().Contain("kmalloc-192").And.NotContain("kmalloc-64").And.NotContain("kmalloc-1k");
        tui.Window.StatusText.Should().Contain("1/4 rows");

        tui.Press(Key.Enter);
        tui.Press(Key.Enter);
        tui.Settle();
        tui.Window.NavigationPath.Should().Equal("kmem -s", "kmem -S kmalloc-192");
        tui.Window.FilterField.Text.Should().BeEmpty("a new page starts unfiltered");

        tui.Press(Key.Backspace);
        tui.Window.FilterField.Text.Should().Be("192", "going back restores the page's filter");
        tui.Screen.Should().NotContain("kmalloc-1k");
    }

    [Fact]
    public void Filter_MatchesUnreadableReasons()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        tui.Run("kmem -s");
        tui.Press(TuiKeys.Filter);
        tui.Type("kmem_cache");
        tui.Screen.Should().Contain("ffff8801263d6000").And.NotContain("kmalloc-64");
    }

    [Fact]
    public void SeveralBlocks_AreTabs_AndNextBlockKeySwitches()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        tui.Run("kmem -S fscrypt_info");
        var screen = tui.Screen;
        screen.Should().Contain("kmem_cache fscrypt_info").And.Contain("per_cpu caches");
        tui.Window.Results.SelectedBlock.Should().Be(0);
        screen.Should().Contain("OBJSIZE");

        tui.Press(TuiKeys.NextBlock);
        tui.Window.Results.SelectedBlock.Should().Be(1);
        tui.Screen.Should().Contain("FREE");
    }

    [Fact]
    public void RecordsAlone_OrWithTargets_StayTabs()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        tui.Run("sys");
        tui.Window.HeaderText.Should().BeEmpty("a record alone is the page");
        tui.Screen.Should().Contain("FIELD").And.Contain("RELEASE");
    }

    [Fact]
    public void Navigator_EnterRunsCommandWithoutArguments_OrFillsCommandLine()
    {
        var runner = SampleRunner.Create();
        using var tui = new TuiHarness(runner);
        var navigator = tui.Window.Navigator;

        navigator.SetFocus();
        navigator.SelectedObject = navigator.Objects!.SelectMany(o => o.Children).Single(n => n.Text == "ps");
        tui.Press(Key.Enter);
        tui.Settle();
        runner.Calls.Should().Contain("ps");
        tui.Screen.Should().Contain("kthreadd");

        navigator.SetFocus();
        navigator.SelectedObject = navigator.Objects!.SelectMany(o => o.Children).Single(n => n.Text == "kmem -S");
        tui.Press(Key.Enter);
        tui.Settle();
        tui.Window.CommandLine.Text.Should().Be("kmem -S ");
        tui.Window.CommandLine.HasFocus.Should().BeTrue();
        runner.Calls.Should().NotContain(c => c.StartsWith("kmem -S", StringComparison.Ordinal));

        tui.Type("kmalloc-64");
        tui.Press(Key.Enter);
        tui.Settle();
        runner.Calls.Should().Contain("kmem -S kmalloc-64");
    }

    [Fact]
    public void CommandLine_UpAndDownWalkHistory()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        tui.Run("kmem -s");
        tui.Run("ps");
        tui.Press(TuiKeys.CommandLine);
        tui.Type("sy");
        tui.Press(Key.CursorUp);
        tui.Window.CommandLine.Text.Should().Be("ps");
        tui.Press(Key.CursorUp);
        tui.Window.CommandLine.Text.Should().Be("kmem -s");
        tui.Press(Key.CursorDown);
        tui.Press(Key.CursorDown);
        tui.Window.CommandLine.Text.Should().Be("sy", "the draft comes back at the bottom");
    }

    [Fact]
    public void ProfilePicker_SwitchesRunner_AndRefreshesNavigator()
    {
        var switched = new List<string>();
        var options = new TuiOptions
        {
            Profiles = ["slab", "tasks"],
            CurrentProfile = "slab",
            SwitchProfile = name =>
            {
                switched.Add(name);
                return SampleRunner.CreateTasksOnly();
            },
        };
        using var tui = new TuiHarness(SampleRunner.Create(), options);
        tui.Screen.Should().Contain("[slab]");

        tui.Press(TuiKeys.Profile);
        tui.Window.Chooser.Items.Should().Equal("* slab", "  tasks");
        tui.Press(Key.CursorDown);
        tui.Press(Key.Enter);
        tui.Settle();

        switched.Should().Equal("tasks");
        tui.Window.Profile.Should().Be("tasks");
        var screen = tui.Screen;
        screen.Should().Contain("tasks 2.0.0").And.Contain("[tasks]").And.NotContain("slab 1.0.0");
        tui.Window.StatusText.Should().Contain("profile tasks: 1 plugins, 2 commands");
    }

    [Fact]
    public void ProfilePicker_FailingSwitchKeepsOldRunner()
    {
        var old = SampleRunner.Create();
        var options = new TuiOptions { Profiles = ["slab", "broken"], CurrentProfile = "slab", SwitchProfile = _ => throw new InvalidOperationException("plugin load failed") };
        using var tui = new TuiHarness(old, options);
        tui.Press(TuiKeys.Profile);
        tui.Press(Key.CursorDown);
        tui.Press(Key.Enter);
        tui.Settle();
        tui.Window.Runner.Should().BeSameAs(old);
        tui.Window.StatusText.Should().Contain("plugin load failed");
    }

    [Fact]
    public void HelpKey_ShowsKeys()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        tui.Press(TuiKeys.Help);
        tui.Screen.Should().Contain("go to: choose among the row's targets");
    }

    [Fact]
    public void InitialCommand_RunsAtStart()
    {
        using var tui = new TuiHarness(SampleRunner.Create(), new TuiOptions { InitialCommand = "kmem -s" });
        tui.Screen.Should().Contain("kmalloc-64");
    }

    [Fact]
    public void OpensOnTriage_WhenAPluginProvidesIt_AndEnterFollowsAFindingsTarget()
    {
        var findings = new TableBlock(new Column("#", CellKind.Integer), new Column("SEVERITY", CellKind.Enum), new Column("FINDING")) { Title = "findings" };
        findings.AddRow(Cell.Int(1), Cell.Enum("critical"), Cell.Text("Kernel panic - not syncing: sysrq triggered crash")).WithTarget("backtrace", "ps");
        var result = new CommandResult();
        result.Blocks.Add(findings);
        var commands = new List<DumpScope.Host.Session.CommandDescriptor>(SampleRunner.Create().Commands) { new("triage", null, [], "what happened", "triage", "triage [-v]") };
        var runner = new FakeCommandRunner([new DumpScope.Host.Session.PluginDescriptor("triage", "0.1.0", "triage", "1.0.0", ["triage"])], commands)
            .On("triage", result).On("ps", CommandResult.FromText("PID 1 init"));
        using var tui = new TuiHarness(runner);

        runner.Calls.Should().Contain("triage");
        tui.Screen.Should().Contain("sysrq triggered crash");
        tui.Window.Results.FocusContent();
        tui.Press(Key.Enter);
        tui.Settle();
        runner.Calls.Should().Contain("ps");
        tui.Window.NavigationPath.Should().Equal("triage", "ps");
    }

    [Fact]
    public void OpensOnNothing_WithoutTheTriagePlugin()
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        tui.Window.CurrentPage.Should().BeNull();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void QuitKeys_StopTheWindow(bool useF10)
    {
        using var tui = new TuiHarness(SampleRunner.Create());
        tui.Window.IsRunning.Should().BeTrue();
        tui.Press(useF10 ? Key.F10 : TuiKeys.Quit);
        tui.Window.StopRequested.Should().BeTrue();
    }

    private static List<string> Order(TuiHarness tui) =>
        tui.Screen.Split('\n')
            .Where(l => l.Contains("│ffff", StringComparison.Ordinal))
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"kmalloc-\w+"))
            .Where(m => m.Success)
            .Select(m => m.Value)
            .ToList();
}
