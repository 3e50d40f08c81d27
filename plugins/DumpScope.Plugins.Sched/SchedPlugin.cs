using DumpScope.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Sched;

/// <summary>Sched: what each CPU was doing and waiting for — runq, timer, irq, sig, waitq, mach.</summary>
public sealed class SchedPlugin : IDumpScopePlugin
{
    /// <inheritdoc/>
    public string Name => "sched";

    /// <inheritdoc/>
    public string Version => "0.1.0";

    /// <inheritdoc/>
    public string Description => "sched: runq (run queues), timer (timer wheel, hrtimers), irq (interrupts), sig (signals), waitq (wait queues), mach (machine)";

    /// <inheritdoc/>
    public void ConfigureServices(IServiceCollection services)
    {
    }
}
