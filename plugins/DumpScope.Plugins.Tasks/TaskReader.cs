using DumpScope.Plugins.Tasks.Layout;
using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Linux.Objects;
using DumpScope.Sdk.Linux.Sched;

namespace DumpScope.Plugins.Tasks;

/// <summary>Reads one task_struct (only the members in <see cref="TaskLayout"/>) into a <see cref="TaskInfo"/>; never throws for memory faults.</summary>
internal sealed class TaskReader(IKernel kernel, TaskLayout layout, TaskStateDecoder states)
{
    /// <summary>PID_MAX_LIMIT on 64-bit: no pid is larger.</summary>
    public const int PidMaxLimit = 4 * 1024 * 1024;

    public TaskInfo Read(ulong address)
    {
        var bytes = ObjectBytes.Read(kernel.Memory, address, layout.ReadLength, "task_struct", kernel.PageSize);
        var task = new TaskInfo(address, bytes);
        task.Pid = (int?)Integer(task, "pid", layout.Pid);
        task.Tgid = (int?)Integer(task, "tgid", layout.Tgid);
        if (bytes.TryString(layout.Comm, out var comm, out var why)) task.Comm = comm;
        else task.MarkUnreadable("comm", why!);
        task.Cpu = (int?)Integer(task, "cpu", layout.Cpu);
        task.StateWord = Unsigned(task, "state", layout.State);
        task.ExitState = Integer(task, "exit_state", layout.ExitState);
        if (task.StateWord is { } state) task.State = states.Decode(state, task.ExitState ?? 0);
        task.Flags = Unsigned(task, "flags", layout.Flags);
        task.Prio = (int?)Integer(task, "prio", layout.Prio);
        task.StaticPrio = (int?)Integer(task, "static_prio", layout.StaticPrio);
        task.Mm = Unsigned(task, "mm", layout.Mm);
        task.ActiveMm = Unsigned(task, "active_mm", layout.ActiveMm);
        task.RealParent = Unsigned(task, "real_parent", layout.RealParent);
        task.GroupLeader = Unsigned(task, "group_leader", layout.GroupLeader);
        task.Signal = Unsigned(task, "signal", layout.Signal);
        task.ThreadPid = Unsigned(task, "thread_pid", layout.ThreadPid);
        task.StartTimeNs = Unsigned(task, "start_time", layout.StartTime);
        task.UtimeNs = Unsigned(task, "utime", layout.Utime);
        task.StimeNs = Unsigned(task, "stime", layout.Stime);
        task.OnCpu = Integer(task, "on_cpu", layout.OnCpu);

        foreach (var (field, reason) in task.Unreadable)
            task.AddProblem($"{field} unreadable: {reason}");
        if (task.Pid is < 0 or > PidMaxLimit) task.AddProblem($"pid {task.Pid} is impossible (not a task_struct?)");
        if (task.Tgid is < 0 or > PidMaxLimit) task.AddProblem($"tgid {task.Tgid} is impossible (not a task_struct?)");
        if (task.Cpu is { } cpu && (cpu < 0 || cpu >= kernel.NrCpuIds)) task.AddProblem($"cpu {cpu} is not below nr_cpu_ids {kernel.NrCpuIds}");
        foreach (var (name, value) in new[] { ("real_parent", task.RealParent), ("group_leader", task.GroupLeader), ("signal", task.Signal) })
            if (value is { } pointer && pointer != 0 && !KernelAddress.IsKernel(pointer))
                task.AddProblem($"{name} {pointer:x} is not a kernel address");
        return task;
    }

    private static ulong? Unsigned(TaskInfo task, string name, FieldSpec? field)
    {
        if (field is null) return null;
        if (task.Bytes.TryUnsigned(field, out var value, out var why)) return value;
        task.MarkUnreadable(name, why!);
        return null;
    }

    private static long? Integer(TaskInfo task, string name, FieldSpec? field)
    {
        if (field is null) return null;
        if (task.Bytes.TryInteger(field, out var value, out var why)) return value;
        task.MarkUnreadable(name, why!);
        return null;
    }
}
