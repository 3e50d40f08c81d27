using DumpScope.Plugins.Tasks.Layout;
using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Linux.Lists;
using DumpScope.Sdk.Linux.Objects;
using DumpScope.Sdk.Linux.XArray;
using DumpScope.Sdk.Memory;
using DumpScope.Sdk.Types;

namespace DumpScope.Plugins.Tasks;

/// <summary>
/// Reads the initial PID namespace: <c>init_pid_ns.idr</c> (4.15+; an xarray since 4.20, a radix tree before)
/// maps ids to struct pid pointers; each pid's <c>tasks[PIDTYPE_PID]</c> hlist leads to its task through
/// <c>pid_links[0]</c>. This is the kernel's own find_task_by_pid_ns path, independent of the task lists.
/// </summary>
internal static class PidNamespaceReader
{
    private const int MaxTasksPerPid = 64;

    /// <summary>The namespace's pids, and the walk's problem (null when complete). Throws <see cref="TypeNotFoundException"/> on an unsupported layout.</summary>
    public static (IReadOnlyList<PidEntry> Pids, string? Problem) Read(IKernel kernel, TaskLayout tasks, CancellationToken cancellation)
    {
        if (tasks.PidLinkOffset is not { } linkOffset)
            throw new TypeNotFoundException("struct task_struct has neither pid_links[] nor pids[].node");
        var pidLayout = PidLayout.Probe(kernel);
        var ns = kernel.Global("init_pid_ns", "struct pid_namespace");
        if (!ns.HasMember("idr"))
            throw new TypeNotFoundException("struct pid_namespace has no idr (a kernel before 4.15 keeps pids in pid_hash, which is not walked)");
        var idr = ns["idr"];
        var root = idr["idr_rt"];
        ulong idBase = 0;
        if (idr.HasMember("idr_base"))
        {
            if (!idr["idr_base"].TryReadUnsigned(out idBase, out var fault))
                return ([], $"init_pid_ns.idr.idr_base: {fault!.Message}");
        }
        var walk = XArrays.XaForEach(root, TaskReader.PidMaxLimit, cancellation);
        var pids = new List<PidEntry>(walk.Items.Count);
        foreach (var entry in walk.Items)
        {
            cancellation.ThrowIfCancellationRequested();
            ulong id = entry.Index + idBase;
            if (!KernelAddress.IsKernel(entry.Value) || (entry.Value & 7) != 0)
            {
                pids.Add(new PidEntry(entry.Value, id, null, [], $"id {id}: entry {entry.Value:x} is not a struct pid pointer"));
                continue;
            }
            var bytes = ObjectBytes.Read(kernel.Memory, entry.Value, pidLayout.ReadLength, "pid", kernel.PageSize);
            var problems = new List<string>();
            int? nr = null;
            if (bytes.TryInteger(pidLayout.Nr0, out var n, out var why)) nr = (int)n;
            else problems.Add($"numbers[0].nr unreadable: {why}");
            if (bytes.TryUnsigned(pidLayout.Level, out var level, out why))
            {
                if (level > PidLayout.MaxLevel) problems.Add($"level {level} exceeds MAX_PID_NS_LEVEL {PidLayout.MaxLevel}");
            }
            else problems.Add($"level unreadable: {why}");
            if (nr is { } value && (ulong)value != id) problems.Add($"numbers[0].nr {value} differs from its idr id {id}");
            var found = new List<ulong>();
            if (bytes.TryU64(pidLayout.TasksOffset, out var first, out why))
            {
                var chain = KernelLists.NullTerminated(kernel.Memory, first, 0, MaxTasksPerPid, null, cancellation);
                found.AddRange(chain.Items.Select(node => node - (ulong)linkOffset));
                if (!chain.IsComplete) problems.Add($"tasks[PIDTYPE_PID]: {chain.Problem}");
            }
            else problems.Add($"tasks[PIDTYPE_PID] unreadable: {why}");
            pids.Add(new PidEntry(entry.Value, id, nr, found, problems.Count == 0 ? null : string.Join("; ", problems)));
        }
        return (pids, walk.IsComplete ? null : $"init_pid_ns.idr: {walk.Problem}");
    }
}
