namespace DumpScope.Sdk.Kernel;

/// <summary>
/// What has been probed about this kernel (<see cref="IKernel.Features"/>): the host records how it found
/// symbols, types and page tables; helpers record each layout or era they decide on when they decide it
/// (<c>kernel.Features.Record(KernelFeatureNames.TaskState, "__state (unsigned int)", "task_struct has __state", "Sched")</c>).
/// dumpinfo and <c>sys -v</c> list them, after running every registered <see cref="IKernelFeatureProbe"/>.
/// Thread-safe; a later record of the same name replaces the earlier one.
/// </summary>
public interface IKernelFeatures
{
    /// <summary>Records (or replaces) a feature.</summary>
    void Record(string name, string value, string howProbed, string reportedBy);

    /// <summary>Every feature recorded so far, in <see cref="KernelFeatureNames.Order"/>, then by name.</summary>
    IReadOnlyList<KernelFeature> All { get; }
}

/// <summary>
/// A probe run on demand when a user asks for the kernel features (dumpinfo, <c>sys -v</c>): registered as a
/// service by a plugin, it records what its analysis would decide without running the analysis. Probes must
/// be cheap (a few type look-ups and reads) and must not throw for bad data: record the problem as the value.
/// </summary>
public interface IKernelFeatureProbe
{
    /// <summary>Probes <paramref name="kernel"/> and records into <see cref="IKernel.Features"/>.</summary>
    void Probe(IKernel kernel);
}
