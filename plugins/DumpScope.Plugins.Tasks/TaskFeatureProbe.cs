namespace DumpScope.Plugins.Tasks;

/// <summary>
/// Puts the probed task_struct state field in the kernel features (dumpinfo, sys -v) even before any task
/// command ran: probing the layout records it.
/// </summary>
public sealed class TaskFeatureProbe : IKernelFeatureProbe
{
    /// <inheritdoc/>
    public void Probe(IKernel kernel)
    {
        try
        {
            TaskStructLayout.Of(kernel);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            kernel.Features.Record(KernelFeatureNames.TaskState, "unknown", KernelDataErrors.Reason(e), "tasks plugin");
        }
    }
}
