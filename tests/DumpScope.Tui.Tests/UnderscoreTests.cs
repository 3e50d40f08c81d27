using DumpScope.Tui.Tests.Fakes;

namespace DumpScope.Tui.Tests;

/// <summary>Terminal.Gui hides the first '_' of a title or text as a hotkey marker; every label the TUI sets must keep it.</summary>
public sealed class UnderscoreTests
{
    [Fact]
    public void Underscores_SurviveInWindowTitle_Profile_Tabs_Breadcrumbs_Status_Header_AndChooser()
    {
        var sample = SampleRunner.Create();
        var runner = new FakeCommandRunner(sample.Plugins, sample.Commands, "/dumps/vmcore_prod_host1");
        runner.On("sys", SampleRunner.Sys());
        runner.On("kmem -S fscrypt_info", SampleRunner.UnderscoreCache());
        runner.On(SampleRunner.TaskStructLine, SampleRunner.TaskStruct());
        var options = new TuiOptions { Profiles = ["slab_leak", "all_plugins"], CurrentProfile = "slab_leak", SwitchProfile = _ => runner };
        using var tui = new TuiHarness(runner, options);

        tui.Run("kmem -S fscrypt_info");
        var screen = tui.Screen;
        screen.Should().Contain("vmcore_prod_host1").And.Contain("[slab_leak]", "the window title keeps both");
        screen.Should().Contain("kmem -S fscrypt_info", "the breadcrumbs (results title) keep it");
        screen.Should().Contain("kmem_cache fscrypt_info").And.Contain("per_cpu caches", "tab titles keep it");
        screen.Should().NotContain("fscryptinfo").And.NotContain("percpu").And.NotContain("vmcoreprod");
        tui.LinesWith("kmem -S fscrypt_info: ").Should().ContainSingle("the status line keeps it");

        tui.Run(SampleRunner.TaskStructLine);
        tui.Window.HeaderText.Should().Contain("struct task_struct");
        tui.LinesWith("TYPE: struct task_struct").Should().ContainSingle("the header line keeps it");

        tui.Press(TuiKeys.Profile);
        tui.Screen.Should().Contain("* slab_leak").And.Contain("all_plugins", "the profile chooser keeps it");
    }

    [Fact]
    public void Underscores_SurviveInNavigatorUsage_AndSummary()
    {
        var plugins = new[] { new Host.Session.PluginDescriptor("slab_tools", "1.0.0", "", "1.0.0", ["kmem_summary"]) };
        var commands = new[] { new Host.Session.CommandDescriptor("kmem_summary", null, [], "per_cache totals", "slab_tools", "kmem_summary") };
        var runner = new FakeCommandRunner(plugins, commands);
        var sys = new CommandResult();
        sys.Add(new RecordBlock()).Add("PANIC", Cell.Text("BUG: unable to handle page_fault"));
        runner.On("sys", sys);
        using var tui = new TuiHarness(runner);
        var screen = tui.Screen;
        screen.Should().Contain("slab_tools 1.0.0").And.Contain("kmem_summary");
        screen.Should().Contain("PANIC: BUG: unable to handle page_fault");
    }
}
