using DumpScope.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Diff;

/// <summary>Diff: two dumps of one running system compared (slab growth, tasks, RSS, memory counters, modules).</summary>
public sealed class DiffPlugin : IDumpScopePlugin
{
    /// <inheritdoc/>
    public string Name => "diff";

    /// <inheritdoc/>
    public string Version => "0.1.0";

    /// <inheritdoc/>
    public string Description => "diff: compare the open dump with a later dump of the same boot (leak hunting)";

    /// <inheritdoc/>
    public void ConfigureServices(IServiceCollection services) { }
}
