using DumpScope.Host.Plugins;

namespace DumpScope.Host.Tests.Foundation;

public class ProfileTests
{
    private const string Manifest = """
        {
          // comments are allowed
          "default": "quiet",
          "profiles": { "quiet": [], "talk": ["echo"], "broken": ["echo", "nosuch"] }
        }
        """;

    [Fact]
    public void The_default_profile_selects_its_plugins()
    {
        using var session = TestSessions.Create(manifest: TestSessions.WriteManifest(Manifest));
        session.ActivePlugins.Should().BeEmpty();
        session.Profile.Should().Be("quiet");
        session.Run("echo hi").Error.Should().Contain("'echo' is in plugin clash, which profile quiet does not load");
    }

    [Fact]
    public void A_named_profile_selects_its_plugins()
    {
        using var session = TestSessions.Create(profile: "talk", manifest: TestSessions.WriteManifest(Manifest));
        session.ActivePlugins.Select(p => p.Name).Should().Equal("echo");
    }

    [Fact]
    public void An_unknown_profile_lists_the_valid_ones()
    {
        var act = () => TestSessions.Create(profile: "nope", manifest: TestSessions.WriteManifest(Manifest));
        act.Should().Throw<UsageException>().WithMessage("*unknown profile 'nope'*broken, quiet, talk*");
    }

    [Fact]
    public void An_explicit_unknown_plugin_lists_the_available_ones()
    {
        var act = () => TestSessions.Create(plugins: ["nonexistent"]);
        act.Should().Throw<UsageException>().WithMessage("*unknown plugin: nonexistent*available plugins:*clash*echo*");
    }

    [Fact]
    public void A_profile_naming_a_missing_plugin_loads_the_rest_and_says_so()
    {
        using var session = TestSessions.Create(profile: "broken", manifest: TestSessions.WriteManifest(Manifest));
        session.ActivePlugins.Select(p => p.Name).Should().Equal("echo");
        session.Notes.Should().Contain(n => n.Contains("nosuch"));
    }

    [Fact]
    public void Plugins_from_a_named_plugin_dir_join_the_profile()
    {
        using var session = DumpScope.Host.Session.DumpScopeSession.Create(new DumpScope.Host.Session.SessionOptions
        {
            SearchDefaultPluginDirectory = false,
            PluginDirectories = [TestSessions.PluginFolder],
            ManifestPath = TestSessions.WriteManifest(Manifest),
        });
        session.Profile.Should().Be("quiet");
        session.ActivePlugins.Select(p => p.Name).Should().Contain(["echo", "clash"]);
    }

    [Fact]
    public void A_malformed_manifest_names_the_file()
    {
        var path = TestSessions.WriteManifest("{ \"profiles\": [1, 2 ");
        var act = () => PluginManifest.Load(path);
        act.Should().Throw<UsageException>().WithMessage($"{path}: not a valid plugins.json*");
    }

    [Fact]
    public void The_repository_manifest_is_valid_and_its_default_exists()
    {
        var repo = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..");
        var manifest = PluginManifest.Load(Path.Combine(repo, "plugins.json"));
        manifest.Profiles.Should().ContainKey(manifest.Default);
        // Each plugin the profiles name is a project of plugins/ (DumpScope.Plugins.Files is "files").
        var plugins = Directory.GetDirectories(Path.Combine(repo, "plugins"), "DumpScope.Plugins.*")
            .Select(d => Path.GetFileName(d)["DumpScope.Plugins.".Length..].ToLowerInvariant()).ToHashSet();
        plugins.Should().Contain(["slab", "tasks", "memory", "stacks", "files"]);
        manifest.Profiles.Values.SelectMany(v => v).Should().OnlyContain(n => plugins.Contains(n));
    }
}
