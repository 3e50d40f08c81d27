using DumpScope.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace TopCaches;

/// <summary>An external sample plugin: the slab caches that hold the most memory.</summary>
public sealed class TopCachesPlugin : IDumpScopePlugin
{
    /// <inheritdoc/>
    public string Name => "topcaches";

    /// <inheritdoc/>
    public string Version => "1.0.0";

    /// <inheritdoc/>
    public string Description => "sample: the largest slab caches by memory (built on kmem -s)";

    /// <inheritdoc/>
    public void ConfigureServices(IServiceCollection services)
    {
    }
}
