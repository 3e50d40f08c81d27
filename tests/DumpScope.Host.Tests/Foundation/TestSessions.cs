namespace DumpScope.Host.Tests.Foundation;

/// <summary>Sessions over the test plugins copied to this test's output folder (plugins/&lt;Name&gt;/).</summary>
internal static class TestSessions
{
    public static string PluginFolder => Path.Combine(AppContext.BaseDirectory, "plugins");

    public static DumpScopeSession Create(string? profile = null, IReadOnlyList<string>? plugins = null, string? manifest = null) =>
        DumpScopeSession.Create(new SessionOptions
        {
            // The test plugins are copied to plugins/ beside the test binaries: the host's default folder.
            SearchDefaultPluginDirectory = true,
            Profile = profile,
            Plugins = plugins,
            ManifestPath = manifest,
        });

    public static string WriteManifest(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"dumpscope-plugins-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }
}
