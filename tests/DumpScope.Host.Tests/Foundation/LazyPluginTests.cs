using System.Text.Json.Nodes;
using DumpScope.Host.Plugins;
using DumpScope.Host.Rendering;

namespace DumpScope.Host.Tests.Foundation;

/// <summary>Plugins known from their index (PluginIndex) are registered at open and loaded when first needed.</summary>
public class LazyPluginTests
{
    private static string PluginCopy(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"dumpscope-lazy-{Guid.NewGuid():N}");
        var target = Path.Combine(dir, name);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(Path.Combine(TestSessions.PluginFolder, name)))
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        return dir;
    }

    private static string EchoCopy() => PluginCopy("DumpScope.TestPlugins.Echo");

    /// <summary>An indexed copy of the echo plugin whose index was then changed by <paramref name="edit"/>.</summary>
    private static string EditedEchoCopy(Action<JsonNode> edit)
    {
        var dir = EchoCopy();
        PluginIndex.WriteAll([dir]);
        var path = PluginIndex.PathFor(EchoDll(dir));
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
        return dir;
    }

    private static string EchoDll(string dir) => Path.Combine(dir, "DumpScope.TestPlugins.Echo", "DumpScope.TestPlugins.Echo.dll");

    private static DumpScopeSession Open(string dir, bool lazy = true) => DumpScopeSession.Create(new SessionOptions
    {
        SearchDefaultPluginDirectory = false, PluginDirectories = [dir], LoadPluginsLazily = lazy,
    });

    private static string Text(CommandResult result) => TextRenderer.Render(result);

    [Fact]
    public void The_index_holds_the_commands_options_and_services_of_the_plugin()
    {
        var dir = EchoCopy();
        PluginIndex.WriteAll([dir]).Should().ContainSingle().Which.Should().EndWith(": echo");
        var (index, why) = PluginIndex.TryRead(EchoDll(dir));
        why.Should().BeNull();
        index!.Name.Should().Be("echo");
        index.Version.Should().Be("1.2.3");
        index.Services.Should().Equal("DumpScope.TestPlugins.Echo.Greeting");
        var echo = index.Commands.Single(c => c.Attribute.Name == "echo");
        echo.Attribute.Aliases.Should().Equal("say");
        echo.Attribute.NeedsDump.Should().BeFalse();
        echo.Options.Select(o => (o.Attribute.Names[0], o.PropertyName, o.IsFlag)).Should().BeEquivalentTo([("-u", "Upper", true), ("-n", "Times", false), ("-a", "Address", false)]);
        echo.Arguments.Should().ContainSingle().Which.IsList.Should().BeTrue();
        index.Commands.Select(c => c.Attribute.Selector).Should().Contain("-x");
    }

    [Fact]
    public void An_indexed_plugin_is_loaded_by_its_first_command_and_answers_as_a_loaded_one()
    {
        var dir = EchoCopy();
        PluginIndex.WriteAll([dir]);
        using var lazy = Open(dir);
        using var eager = Open(dir, lazy: false);
        var plugin = lazy.AvailablePlugins.Single(p => p.Name == "echo");
        plugin.IsLoaded.Should().BeFalse("nothing of it ran yet");
        Text(lazy.Run("help echo")).Should().Be(Text(eager.Run("help echo")), "help comes from the index");
        Text(lazy.Run("plugins")).Should().Be(Text(eager.Run("plugins")));
        lazy.Run("multi -x").Failed.Should().BeFalse();
        plugin.IsLoaded.Should().BeTrue();
        foreach (var line in new[] { "echo -u -n 2 -a 0x10 hi there", "say a", "multi b", "echo", "echo -q a" })
            Text(lazy.Run(line)).Should().Be(Text(eager.Run(line)), line);
    }

    [Fact]
    public void Asking_the_session_for_a_service_a_plugin_registers_loads_that_plugin()
    {
        var dir = EchoCopy();
        PluginIndex.WriteAll([dir]);
        using var session = Open(dir);
        var plugin = session.AvailablePlugins.Single(p => p.Name == "echo");
        plugin.IsLoaded.Should().BeFalse();
        session.Services.GetService(typeof(IKernel)).Should().BeNull("no dump: the host answers, and no plugin declares IKernel");
        plugin.IsLoaded.Should().BeFalse("a type no plugin declares loads none");
        var inPlugin = plugin.Assembly.GetType("DumpScope.TestPlugins.Echo.Greeting")!;
        var services = session.PluginServices.Plugins.Single();
        services.IsBuilt.Should().BeFalse("the assembly is loaded, its services not configured yet");
        session.Services.GetService(inPlugin).Should().NotBeNull();
        services.IsBuilt.Should().BeTrue();
        session.Services.GetService(inPlugin).Should().BeSameAs(session.Services.GetService(inPlugin), "a singleton of the plugin's provider");
    }

    [Fact]
    public void A_stale_index_is_ignored_and_the_plugin_loaded_at_open()
    {
        var dir = EditedEchoCopy(json => json["mvid"] = Guid.NewGuid().ToString());
        PluginIndex.TryRead(EchoDll(dir)).Why.Should().Contain("stale");
        using var session = Open(dir);
        session.AvailablePlugins.Single(p => p.Name == "echo").IsLoaded.Should().BeTrue();
        session.Run("echo hi").Failed.Should().BeFalse();
    }

    [Fact]
    public void A_plugin_that_does_not_match_its_index_fails_its_commands_with_the_reason_and_is_listed()
    {
        var dir = EditedEchoCopy(json =>
        {
            var ghost = json["commands"]![0]!.DeepClone();
            ghost["type"] = "DumpScope.TestPlugins.Echo.GhostCommand";
            ghost["name"] = "ghost";
            json["commands"]!.AsArray().Add(ghost);
        });
        using var session = Open(dir);
        var result = session.Run("ghost");
        result.Failed.Should().BeTrue();
        result.Error.Should().Contain("plugin 'echo' could not be loaded").And.Contain("GhostCommand");
        session.Run("echo hi").Error.Should().Contain("could not be loaded", "the same failure every time");
        session.Failures.Should().ContainSingle(f => f.Reason.Contains("GhostCommand"));
    }

    [Fact]
    public void A_plugin_whose_configuration_throws_is_not_indexed()
    {
        var dir = PluginCopy("DumpScope.TestPlugins.Throwing");
        PluginIndex.WriteAll([dir]).Should().ContainSingle().Which.Should().Contain("not indexed").And.Contain("configuration exploded");
        File.Exists(PluginIndex.PathFor(Path.Combine(dir, "DumpScope.TestPlugins.Throwing", "DumpScope.TestPlugins.Throwing.dll"))).Should().BeFalse();
    }
}
