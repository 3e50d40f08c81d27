using System.Text.Json;

namespace DumpScope.Host.Plugins;

/// <summary>
/// plugins.json: named profiles (sets of plugin names) and a default profile, plus extra plugin folders.
/// <code>{ "default": "all", "profiles": { "all": ["slab", "tasks"], "hang": ["tasks"] }, "pluginDirectories": [] }</code>
/// </summary>
public sealed class PluginManifest
{
    /// <summary>The default profile's name.</summary>
    public string Default { get; init; } = "all";

    /// <summary>Profiles by name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Profiles { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Extra folders to search for plugins (relative to the manifest's folder).</summary>
    public IReadOnlyList<string> PluginDirectories { get; init; } = [];

    /// <summary>The file the manifest was read from, or null for the built-in one.</summary>
    public string? FilePath { get; init; }

    /// <summary>A manifest with one profile "all" holding every discovered plugin (used when no plugins.json exists).</summary>
    public static PluginManifest Empty { get; } = new();

    /// <summary>Reads plugins.json; a malformed file is a usage error naming the file and the problem.</summary>
    public static PluginManifest Load(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var root = doc.RootElement;
            var profiles = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetProperty("profiles", out var p))
                foreach (var profile in p.EnumerateObject())
                    profiles[profile.Name] = profile.Value.EnumerateArray().Select(e => e.GetString() ?? "").Where(s => s.Length > 0).ToArray();
            var dirs = root.TryGetProperty("pluginDirectories", out var d) ? d.EnumerateArray().Select(e => e.GetString() ?? "").Where(s => s.Length > 0).ToArray() : [];
            var def = root.TryGetProperty("default", out var dd) ? dd.GetString() ?? "all" : "all";
            if (profiles.Count > 0 && !profiles.ContainsKey(def))
                throw new UsageException($"{path}: default profile '{def}' is not among the profiles ({string.Join(", ", profiles.Keys)})");
            return new PluginManifest { Default = def, Profiles = profiles, PluginDirectories = dirs, FilePath = path };
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new UsageException($"{path}: not a valid plugins.json: {e.Message}");
        }
    }

    /// <summary>
    /// The plugin names to load: an explicit list (<c>--plugins a,b</c>) wins, else the named profile, else the
    /// default. "all" with no such profile means every discovered plugin (null). Unknown profile → usage error.
    /// </summary>
    public IReadOnlyList<string>? Select(string? profile, IReadOnlyList<string>? explicitPlugins)
    {
        if (explicitPlugins is not null) return explicitPlugins;
        var name = profile ?? Default;
        if (Profiles.TryGetValue(name, out var list)) return list;
        if (profile is null && Profiles.Count == 0) return null;
        if (string.Equals(name, "all", StringComparison.OrdinalIgnoreCase) && !Profiles.ContainsKey(name)) return null;
        throw new UsageException($"unknown profile '{name}'; profiles: {string.Join(", ", Profiles.Keys.Order())}");
    }
}
