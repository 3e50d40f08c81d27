namespace DumpScope.Sdk.Linux;

/// <summary>
/// A feature probe for a helper that records its own feature when it probes a layout (the slab allocator, the
/// task state field): running <paramref name="probe"/> is the probe. When the kernel's data defeats the helper the
/// feature is recorded as "unknown" with the reason, so dumpinfo and sys -v say why instead of failing.
/// </summary>
/// <param name="feature">The feature the helper records (a <see cref="KernelFeatureNames"/> name).</param>
/// <param name="reportedBy">Who records "unknown" ("slab plugin").</param>
/// <param name="probe">The helper's probing, e.g. <c>k => SlabHelpers.SlabAllocatorOf(k)</c>.</param>
public sealed class KernelFeatureProbe(string feature, string reportedBy, Action<IKernel> probe) : IKernelFeatureProbe
{
    /// <summary>The feature this probe records.</summary>
    public string Feature => feature;

    /// <inheritdoc/>
    public void Probe(IKernel kernel)
    {
        try
        {
            probe(kernel);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            kernel.Features.Record(feature, "unknown", KernelDataErrors.Reason(e), reportedBy);
        }
    }
}
