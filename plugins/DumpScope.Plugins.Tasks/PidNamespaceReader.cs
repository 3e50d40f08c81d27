using DumpScope.Sdk.Linux.Pid;

namespace DumpScope.Plugins.Tasks;

/// <summary>
/// Reads the initial PID namespace for the cross-check: every number of <c>init_pid_ns</c> (<see cref="Pids.ForEachPid"/>)
/// with its struct pid, and each pid's <c>tasks[PIDTYPE_PID]</c> hlist leading to its task through <c>pid_links[0]</c>. This is the kernel's own find_task_by_pid_ns path, independent of the task
/// lists. <c>numbers[]</c> is a flexible array (level + 1 entries) that starts AT the declared size: only the bytes
/// used are read (through numbers[0].nr), never sizeof(struct pid), or numbers[0] is lost (the trap that makes
/// crash 8.0.2's ps find 3 of 60 tasks).
/// </summary>
internal static class PidNamespaceReader
{
    /// <summary>MAX_PID_NS_LEVEL: the deepest namespace nesting the kernel allows.</summary>
    public const int MaxLevel = 32;

    private const int MaxTasksPerPid = 64;

    /// <summary>The namespace's pids, and the walk's problem (null when complete). Throws <see cref="TypeNotFoundException"/> on an unsupported layout.</summary>
    public static (IReadOnlyList<PidEntry> Pids, string? Problem) Read(IKernel kernel, CancellationToken cancellation)
    {
        if (TaskStructLayout.Of(kernel).PidLink is not { } link)
            throw new TypeNotFoundException("struct task_struct has neither pid_links[] nor pids[].node");
        var pid = StructLayout.Probe(kernel, "struct pid");
        var level = pid.RequireScalar("level");
        var tasks = pid.RequireScalar($"tasks[{Pids.PidTypePid}].first");
        var nr0 = pid.RequireScalar("numbers[0].nr");
        ulong readLength = Math.Max(Math.Max(level.End, tasks.End), nr0.End);
        var ns = Pids.InitPidNamespace(kernel);
        if (ns.HasMember("idr.idr_base") && !ns["idr.idr_base"].TryReadUnsigned(out _, out var fault))
            return ([], $"init_pid_ns.idr.idr_base: {fault!.Message}");
        var walk = Pids.ForEachPid(kernel, ns, TaskReader.PidMaxLimit, cancellation);
        var pids = new List<PidEntry>(walk.Items.Count);
        foreach (var entry in walk.Items)
        {
            cancellation.ThrowIfCancellationRequested();
            ulong id = entry.Nr;
            if (!KernelAddress.IsKernel(entry.Pid) || (entry.Pid & 7) != 0)
            {
                pids.Add(new PidEntry(entry.Pid, id, null, [], $"id {id}: entry {entry.Pid:x} is not a struct pid pointer"));
                continue;
            }
            var loaded = new KernelObject(kernel, pid.Type, entry.Pid).Load(readLength, "pid");
            var problems = new List<string>();
            int? nr = null;
            if (loaded.TryInteger(nr0, out var n, out var why)) nr = (int)n;
            else problems.Add($"numbers[0].nr unreadable: {why}");
            if (loaded.TryUnsigned(level, out var depth, out why))
            {
                if (depth > MaxLevel) problems.Add($"level {depth} exceeds MAX_PID_NS_LEVEL {MaxLevel}");
            }
            else problems.Add($"level unreadable: {why}");
            if (nr is { } value && (ulong)value != id) problems.Add($"numbers[0].nr {value} differs from its idr id {id}");
            var found = new List<ulong>();
            if (loaded.TryUnsigned(tasks, out var first, out why))
            {
                var chain = KernelLists.NullTerminated(kernel.Memory, first, 0, MaxTasksPerPid, null, cancellation);
                found.AddRange(chain.Items.Select(node => node - link.Offset));
                if (!chain.IsComplete) problems.Add($"tasks[PIDTYPE_PID]: {chain.Problem}");
            }
            else problems.Add($"tasks[PIDTYPE_PID] unreadable: {why}");
            pids.Add(new PidEntry(entry.Pid, id, nr, found, problems.Count == 0 ? null : string.Join("; ", problems)));
        }
        return (pids, walk.IsComplete ? null : $"init_pid_ns.idr: {walk.Problem}");
    }
}
