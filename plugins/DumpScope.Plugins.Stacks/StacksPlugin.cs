using DumpScope.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Stacks;

/// <summary>Stacks: bt, mod (the host's foreach runs bt for each task).</summary>
public sealed class StacksPlugin : IDumpScopePlugin
{
    /// <inheritdoc/>
    public string Name => "stacks";

    /// <inheritdoc/>
    public string Version => "0.1.0";

    /// <inheritdoc/>
    public string Description => "stacks: bt (backtraces from the dump's own ORC data), mod";

    /// <inheritdoc/>
    public void ConfigureServices(IServiceCollection services) => services.AddSingleton<StackAnalyzer>();
}
