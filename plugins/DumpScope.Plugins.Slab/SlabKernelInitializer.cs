using DumpScope.Sdk.Kernel;

namespace DumpScope.Plugins.Slab;

/// <summary>
/// Tells the session, at open time, that struct kmem_cache is shorter than declared, so that `struct
/// kmem_cache ADDR` and every KernelObject read honour the live size even before a slab command ran. The size
/// is computed on first use.
/// </summary>
public sealed class SlabKernelInitializer(SlabAnalyzer analyzer) : IKernelInitializer
{
    /// <inheritdoc/>
    public void Initialize(IKernel kernel) =>
        kernel.RuntimeSizes.RegisterLazy("struct kmem_cache", () =>
        {
            var size = analyzer.Layout.CacheSize;
            return new RuntimeSize("struct kmem_cache", size.Size, size.Source);
        });
}
