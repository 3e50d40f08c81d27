using DumpScope.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Memory;

/// <summary>Memory and core facts: kmem -i, kmem -p / page, vm, sys, log.</summary>
public sealed class MemoryPlugin : IDumpScopePlugin
{
    /// <inheritdoc/>
    public string Name => "memory";

    /// <inheritdoc/>
    public string Version => "0.2.0";

    /// <inheritdoc/>
    public string Description => "memory and core facts: kmem -i, kmem -p, page, vm, sys, log";

    /// <inheritdoc/>
    public void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<MemoryAnalyzer>();
        foreach (var probe in LinuxFeatureProbes.Of(KernelFeatureNames.Printk, KernelFeatureNames.Timekeeping)) services.AddSingleton<IKernelFeatureProbe>(probe);
    }
}
