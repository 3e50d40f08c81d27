using DumpScope.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Tasks;

/// <summary>Tasks: ps, the process tree, task details.</summary>
public sealed class TasksPlugin : IDumpScopePlugin
{
    /// <inheritdoc/>
    public string Name => "tasks";

    /// <inheritdoc/>
    public string Version => "0.1.0";

    /// <inheritdoc/>
    public string Description => "tasks: ps, ps --tree (pstree), task";

    /// <inheritdoc/>
    public void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<TaskAnalyzer>();
        services.AddSingleton<Sdk.Kernel.IKernelFeatureProbe, TaskFeatureProbe>();
    }
}
