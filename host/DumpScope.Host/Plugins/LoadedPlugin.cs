using System.Reflection;
using DumpScope.Sdk.Plugins;

namespace DumpScope.Host.Plugins;

/// <summary>
/// A plugin the session knows: either loaded (its assembly in its own load context, its entry class created), or
/// known from its index (<see cref="PluginIndex"/>, written beside the assembly at build time) and loaded when
/// one of its commands or services is first asked for (<see cref="EnsureLoaded"/>).
/// </summary>
public sealed class LoadedPlugin
{
    private readonly Lock _lock = new();
    private readonly string? _assemblyPath;
    private IDumpScopePlugin? _entry;
    private Assembly? _assembly;
    private string? _loadFailure;

    /// <summary>A plugin whose assembly is loaded.</summary>
    /// <param name="entry">The plugin's entry object.</param>
    /// <param name="assembly">Its assembly.</param>
    /// <param name="sdkVersion">The SDK version it was built against.</param>
    /// <param name="folder">Where it was found, or null for plugins given in-process (tests).</param>
    public LoadedPlugin(IDumpScopePlugin entry, Assembly assembly, Version sdkVersion, string? folder)
    {
        _entry = entry;
        _assembly = assembly;
        Name = entry.Name;
        Version = entry.Version;
        Description = entry.Description;
        SdkVersion = sdkVersion;
        Folder = folder;
    }

    /// <summary>A plugin known from its index, not loaded yet.</summary>
    internal LoadedPlugin(PluginIndex index, string assemblyPath)
    {
        Index = index;
        _assemblyPath = assemblyPath;
        Name = index.Name;
        Version = index.Version;
        Description = index.Description;
        SdkVersion = index.SdkVersion;
        Folder = Path.GetDirectoryName(assemblyPath);
    }

    /// <summary>The plugin's name.</summary>
    public string Name { get; }

    /// <summary>The plugin's version.</summary>
    public string Version { get; }

    /// <summary>What the plugin does, in one line.</summary>
    public string Description { get; }

    /// <summary>The SDK version it was built against.</summary>
    public Version SdkVersion { get; }

    /// <summary>Where it was found, or null for plugins given in-process (tests).</summary>
    public string? Folder { get; }

    /// <summary>The index it was known from, or null when it was loaded at once (no index, or a stale one).</summary>
    public PluginIndex? Index { get; }

    /// <summary>True once the assembly is loaded and the entry class created.</summary>
    public bool IsLoaded
    {
        get
        {
            lock (_lock) return _entry is not null;
        }
    }

    /// <summary>The plugin's entry object (loads the plugin).</summary>
    public IDumpScopePlugin Entry => EnsureLoaded().Entry;

    /// <summary>Its assembly (loads the plugin).</summary>
    public Assembly Assembly => EnsureLoaded().Assembly;

    /// <summary>Where it came from, for messages: its folder, or the name of an in-process assembly.</summary>
    public string Source => Folder ?? SourceOf(_assembly!, null);

    /// <summary>
    /// Loads an indexed plugin's assembly (once; later calls return the same). Throws <see cref="PluginLoadException"/>
    /// when it cannot be loaded, or when what loaded is not the plugin its index described.
    /// </summary>
    public (IDumpScopePlugin Entry, Assembly Assembly) EnsureLoaded()
    {
        lock (_lock)
        {
            if (_entry is not null) return (_entry, _assembly!);
            if (_loadFailure is not null) throw new PluginLoadException(_loadFailure);
            var (plugin, failure) = PluginLoader.Load(_assemblyPath!);
            _loadFailure = failure?.Reason
                ?? (!string.Equals(plugin!.Name, Name, StringComparison.Ordinal) ? $"its index names it '{Name}' but its entry class says '{plugin.Name}'" : null);
            if (_loadFailure is not null) throw new PluginLoadException(_loadFailure);
            _entry = plugin!.Entry;
            _assembly = plugin.Assembly;
            return (_entry, _assembly);
        }
    }

    /// <summary>
    /// A plugin's folder, or "in-process assembly NAME": not Assembly.Location, which is empty for assemblies
    /// bundled in a single-file build.
    /// </summary>
    public static string SourceOf(Assembly assembly, string? folder) => folder ?? $"in-process assembly {assembly.GetName().Name}";

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>A plugin that could not be loaded, and why; the others go on.</summary>
/// <param name="Source">The plugin's folder or assembly path (<see cref="LoadedPlugin.SourceOf"/>).</param>
/// <param name="Reason">What went wrong.</param>
public sealed record PluginLoadFailure(string Source, string Reason);
