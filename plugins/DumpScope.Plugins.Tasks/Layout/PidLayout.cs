using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Types;

namespace DumpScope.Plugins.Tasks.Layout;

/// <summary>
/// The members of <c>struct pid</c> read by the PID-namespace walk. <c>numbers[]</c> is a flexible array
/// (level + 1 entries) that starts AT the declared size: reads cover what is used (numbers[0]), never
/// sizeof(struct pid), or numbers[0] is lost (the trap that makes crash 8.0.2's ps find 3 of 60 tasks).
/// </summary>
public sealed class PidLayout
{
    /// <summary>PIDTYPE_PID: the first hlist of pid->tasks.</summary>
    public const int PidTypePid = 0;

    /// <summary>MAX_PID_NS_LEVEL: the deepest namespace nesting the kernel allows.</summary>
    public const int MaxLevel = 32;

    private PidLayout()
    {
    }

    /// <summary>pid->level.</summary>
    public required FieldSpec Level { get; init; }

    /// <summary>Offset of pid->tasks[PIDTYPE_PID] (an hlist_head).</summary>
    public required int TasksOffset { get; init; }

    /// <summary>numbers[0].nr: the pid number in the initial namespace.</summary>
    public required FieldSpec Nr0 { get; init; }

    /// <summary>Bytes of a struct pid to read: through numbers[0].nr (past the declared size).</summary>
    public int ReadLength => Math.Max(Math.Max(Level.End, TasksOffset + 8), Nr0.End);

    /// <summary>Probes the layout; throws <see cref="TypeNotFoundException"/> when a member is missing.</summary>
    public static PidLayout Probe(IKernel kernel)
    {
        var pid = kernel.Types.Require("struct pid");
        var upid = kernel.Types.Require("struct upid");
        int numbers = FieldSpec.RequireOffset(pid, "numbers");
        var nr = FieldSpec.RequireScalar(upid, "nr");
        return new PidLayout
        {
            Level = FieldSpec.RequireScalar(pid, "level"),
            TasksOffset = FieldSpec.RequireOffset(pid, "tasks"),
            Nr0 = nr with { Name = "numbers[0].nr", Offset = numbers + nr.Offset },
        };
    }
}
