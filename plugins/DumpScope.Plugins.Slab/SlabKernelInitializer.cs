using DumpScope.Sdk.Linux.Slab;

namespace DumpScope.Plugins.Slab;

/// <summary>
/// Tells the session, at open time, that struct kmem_cache is shorter than declared, so that `struct
/// kmem_cache ADDR` and every KernelObject read honour the live size even before a slab command ran. The size
/// (DumpScope.Sdk.Linux's <see cref="SlabHelpers.KmemCacheRuntimeSize"/>) is computed on first use.
/// </summary>
public sealed class SlabKernelInitializer : IKernelInitializer
{
    /// <inheritdoc/>
    public void Initialize(IKernel kernel) =>
        kernel.RuntimeSizes.RegisterLazy("struct kmem_cache", () =>
        {
            var size = SlabHelpers.KmemCacheRuntimeSize(kernel);
            return new RuntimeSize("struct kmem_cache", size.Size, size.Source);
        });
}
