using DumpScope.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.TestPlugins.Throwing;

/// <summary>A plugin whose ConfigureServices throws: the host must isolate it.</summary>
public sealed class ThrowingPlugin : IDumpScopePlugin
{
    /// <inheritdoc/>
    public string Name => "throwing";
    /// <inheritdoc/>
    public string Version => "0.0.1";
    /// <inheritdoc/>
    public string Description => "test plugin that fails to configure";
    /// <inheritdoc/>
    public void ConfigureServices(IServiceCollection services) => throw new InvalidOperationException("configuration exploded");
}
