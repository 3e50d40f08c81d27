using DumpScope.Sdk.Linux.Slab;
using DumpScope.Sdk.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Slab;

/// <summary>Slab allocator analysis: kmem -s, kmem -S, kmem ADDR; owns the trimmed struct kmem_cache logic.</summary>
public sealed class SlabPlugin : IDumpScopePlugin
{
    /// <inheritdoc/>
    public string Name => "slab";

    /// <inheritdoc/>
    public string Version => "0.1.0";

    /// <inheritdoc/>
    public string Description => "slab caches (SLUB and SLAB): kmem -s, kmem -S, kmem ADDR";

    /// <inheritdoc/>
    public void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<SlabAnalyzer>();
        services.AddSingleton<Sdk.Kernel.IKernelInitializer, SlabKernelInitializer>();
        // Probing the allocator records it and its era, so dumpinfo and sys -v show them before any slab command ran.
        services.AddSingleton<IKernelFeatureProbe>(new KernelFeatureProbe(KernelFeatureNames.Allocator, "slab plugin", k => SlabHelpers.SlabAllocatorOf(k)));
        foreach (var probe in LinuxFeatureProbes.Of(KernelFeatureNames.SlabDescriptor, KernelFeatureNames.FreelistEncoding)) services.AddSingleton<IKernelFeatureProbe>(probe);
    }
}
