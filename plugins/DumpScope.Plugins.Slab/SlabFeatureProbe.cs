using DumpScope.Sdk.Linux.Slab;

namespace DumpScope.Plugins.Slab;

/// <summary>
/// Puts the probed slab allocator and its era in the kernel features (dumpinfo, sys -v) even before any slab
/// command ran: probing the allocator records it.
/// </summary>
public sealed class SlabFeatureProbe : IKernelFeatureProbe
{
    /// <inheritdoc/>
    public void Probe(IKernel kernel)
    {
        try
        {
            SlabHelpers.SlabAllocatorOf(kernel);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            kernel.Features.Record(KernelFeatureNames.Allocator, "unknown", KernelDataErrors.Reason(e), "slab plugin");
        }
    }
}
