using DumpScope.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;

[assembly: SdkVersion("2.0.0")]

namespace DumpScope.TestPlugins.FutureSdk;

/// <summary>A plugin built for SDK 2.0: refused by a 1.x host.</summary>
public sealed class FutureSdkPlugin : IDumpScopePlugin
{
    /// <inheritdoc/>
    public string Name => "future";
    /// <inheritdoc/>
    public string Version => "9.0.0";
    /// <inheritdoc/>
    public string Description => "test plugin built against a newer SDK major";
    /// <inheritdoc/>
    public void ConfigureServices(IServiceCollection services)
    {
    }
}
