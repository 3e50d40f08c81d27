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
        // Probing the task_struct layout records the state field, so dumpinfo and sys -v show it before any task command ran.
        services.AddSingleton<IKernelFeatureProbe>(new KernelFeatureProbe(KernelFeatureNames.TaskState, "tasks plugin", k => TaskStructLayout.Of(k)));
        foreach (var probe in LinuxFeatureProbes.Of(KernelFeatureNames.PidLookup, KernelFeatureNames.CurrentTask, KernelFeatureNames.Vmas, KernelFeatureNames.RssStat)) services.AddSingleton<IKernelFeatureProbe>(probe);
    }
}
