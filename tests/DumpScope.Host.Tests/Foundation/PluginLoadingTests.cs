using System.Runtime.Loader;
using DumpScope.Host.Plugins;
using DumpScope.Sdk.Plugins;

namespace DumpScope.Host.Tests.Foundation;

public class PluginLoadingTests
{
    [Fact]
    public void Discovers_each_plugin_folder_with_a_dll_named_like_it()
    {
        var found = PluginLoader.Discover([TestSessions.PluginFolder]).Select(Path.GetFileNameWithoutExtension).ToArray();
        found.Should().Contain(["DumpScope.TestPlugins.Echo", "DumpScope.TestPlugins.Throwing", "DumpScope.TestPlugins.FutureSdk", "DumpScope.TestPlugins.Clash"]);
    }

    [Fact]
    public void A_plugin_loads_in_its_own_context_and_shares_the_hosts_sdk()
    {
        var (plugin, failure) = PluginLoader.Load(Path.Combine(TestSessions.PluginFolder, "DumpScope.TestPlugins.Echo", "DumpScope.TestPlugins.Echo.dll"));
        failure.Should().BeNull();
        plugin!.Name.Should().Be("echo");
        plugin.Entry.Version.Should().Be("1.2.3");
        plugin.SdkVersion.Should().Be(new Version(SdkInfo.Version.Major, SdkInfo.Version.Minor, Math.Max(SdkInfo.Version.Build, 0)));
        AssemblyLoadContext.GetLoadContext(plugin.Assembly).Should().NotBe(AssemblyLoadContext.Default, "each plugin has its own load context");
        plugin.Entry.Should().BeAssignableTo<IDumpScopePlugin>("the SDK interface is the host's own type");
        PluginLoader.CommandTypes(plugin.Assembly).Select(t => t.Name).Should().Contain("EchoCommand");
    }

    [Fact]
    public void A_plugin_built_for_another_sdk_major_is_refused_with_both_versions_named()
    {
        var (plugin, failure) = PluginLoader.Load(Path.Combine(TestSessions.PluginFolder, "DumpScope.TestPlugins.FutureSdk", "DumpScope.TestPlugins.FutureSdk.dll"));
        plugin.Should().BeNull();
        failure!.Reason.Should().Contain("DumpScope.TestPlugins.FutureSdk").And.Contain("SDK 2.0.0").And.Contain($"SDK {SdkInfo.Version.ToString(3)}");
    }

    [Fact]
    public void The_session_goes_on_without_refused_and_throwing_plugins()
    {
        using var session = TestSessions.Create();
        session.ActivePlugins.Select(p => p.Name).Should().Contain("echo").And.NotContain("throwing").And.NotContain("future");
        session.Failures.Should().Contain(f => f.Reason.Contains("configuration exploded"));
        session.Failures.Should().Contain(f => f.Reason.Contains("SDK 2.0.0"));
        session.Run("echo:echo hi").Failed.Should().BeFalse();
        var plugins = session.Run("plugins");
        plugins.Failed.Should().BeFalse();
        plugins.Blocks.OfType<TableBlock>().Last().Rows.Should().HaveCountGreaterThanOrEqualTo(2, "failures are listed");
    }

    [Fact]
    public void A_missing_plugin_folder_is_not_an_error()
    {
        PluginLoader.Discover(["/nonexistent/dumpscope/plugins"]).Should().BeEmpty();
    }

    [Fact]
    public void A_file_that_is_not_an_assembly_fails_cleanly()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"dumpscope-bad-{Guid.NewGuid():N}", "Bad");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "Bad.dll"), "not a PE file");
        var (plugin, failure) = PluginLoader.Load(Path.Combine(dir, "Bad.dll"));
        plugin.Should().BeNull();
        failure!.Reason.Should().StartWith("could not load");
    }
}
