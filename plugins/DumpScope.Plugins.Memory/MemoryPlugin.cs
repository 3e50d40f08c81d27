using DumpScope.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Memory;

/// <summary>Memory: kmem -i, page information, sys, log.</summary>
public sealed class MemoryPlugin : IDumpScopePlugin
{
    /// <inheritdoc/>
    public string Name => "memory";

    /// <inheritdoc/>
    public string Version => "0.1.0";

    /// <inheritdoc/>
    public string Description => "memory: kmem -i, kmem -p, sys, log";

    /// <inheritdoc/>
    public void ConfigureServices(IServiceCollection services)
    {
    }
}
