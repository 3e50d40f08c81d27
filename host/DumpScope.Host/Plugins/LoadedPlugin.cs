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

    /// <summary>Where it came from, for messages: its folder, or the name of an in-process assembly.</summary>
    public string Source => SourceOf(Assembly, Folder);

    /// <summary>
    /// A plugin's folder, or "in-process assembly NAME": not Assembly.Location, which is empty for assemblies
    /// bundled in a single-file build.
    /// </summary>
    public static string SourceOf(System.Reflection.Assembly assembly, string? folder) => folder ?? $"in-process assembly {assembly.GetName().Name}";
}

/// <summary>A plugin that could not be loaded, and why; the others go on.</summary>
/// <param name="Source">The plugin's folder or assembly path (<see cref="LoadedPlugin.SourceOf"/>).</param>
/// <param name="Reason">What went wrong.</param>
public sealed record PluginLoadFailure(string Source, string Reason);
