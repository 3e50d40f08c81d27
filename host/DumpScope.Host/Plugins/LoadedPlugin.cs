using DumpScope.Sdk.Plugins;

namespace DumpScope.Host.Plugins;

/// <summary>A plugin whose assembly loaded and whose entry class was created.</summary>
/// <param name="Entry">The plugin's entry object.</param>
/// <param name="Assembly">Its assembly.</param>
/// <param name="SdkVersion">The SDK version it was built against.</param>
/// <param name="Folder">Where it was found, or null for plugins given in-process (tests).</param>
public sealed record LoadedPlugin(IDumpScopePlugin Entry, System.Reflection.Assembly Assembly, Version SdkVersion, string? Folder)
{
    /// <summary>The plugin's name.</summary>
    public string Name => Entry.Name;
}

/// <summary>A plugin that could not be loaded, and why; the others go on.</summary>
/// <param name="Source">The plugin's folder or assembly path.</param>
/// <param name="Reason">What went wrong.</param>
public sealed record PluginLoadFailure(string Source, string Reason);
