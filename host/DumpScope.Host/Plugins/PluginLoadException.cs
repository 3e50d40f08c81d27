namespace DumpScope.Host.Plugins;

/// <summary>An indexed plugin whose assembly could not be loaded when it was first needed.</summary>
public sealed class PluginLoadException(string message) : Exception(message);
