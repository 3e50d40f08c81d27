using DumpScope.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace MyPlugin;

/// <summary>The plugin's entry: its name (used in plugins.json and --plugins), version and services.</summary>
public sealed class MyPluginPlugin : IDumpScopePlugin
{
    /// <inheritdoc/>
    public string Name => "myplugin";

    /// <inheritdoc/>
    public string Version => "0.1.0";

    /// <inheritdoc/>
    public string Description => "MyPlugin: kernel facts at a glance";

    /// <inheritdoc/>
    public void ConfigureServices(IServiceCollection services)
    {
        // Register the services your commands share here, e.g. services.AddSingleton<MyAnalyzer>();
    }
}
