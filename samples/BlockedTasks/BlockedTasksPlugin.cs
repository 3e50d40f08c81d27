using DumpScope.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace BlockedTasks;

/// <summary>An external sample plugin: the tasks in uninterruptible sleep (D state), from the Linux helpers.</summary>
public sealed class BlockedTasksPlugin : IDumpScopePlugin
{
    /// <inheritdoc/>
    public string Name => "blockedtasks";

    /// <inheritdoc/>
    public string Version => "1.0.0";

    /// <inheritdoc/>
    public string Description => "sample: tasks in D state (DumpScope.Sdk.Linux's ForEachTask and TaskStateOf)";

    /// <inheritdoc/>
    public void ConfigureServices(IServiceCollection services)
    {
    }
}
