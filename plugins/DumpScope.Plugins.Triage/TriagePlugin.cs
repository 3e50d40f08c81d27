using DumpScope.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Triage;

/// <summary>Triage: the one-page answer to "what happened" for a crash dump.</summary>
public sealed class TriagePlugin : IDumpScopePlugin
{
    /// <inheritdoc/>
    public string Name => "triage";

    /// <inheritdoc/>
    public string Version => "0.1.0";

    /// <inheritdoc/>
    public string Description => "triage: what stopped the kernel, taint, hung tasks, lockups, OOM, memory pressure, a crash signature";

    /// <inheritdoc/>
    public void ConfigureServices(IServiceCollection services) => services.AddSingleton<TriageAnalyzer>();
}
