namespace DumpScope.Plugins.Tasks;

/// <summary>
/// Reads one task_struct (the members <see cref="TaskStructLayout"/> probed, loaded once page by page) into a
/// <see cref="TaskInfo"/>; never throws for memory faults: an unreadable member is marked with its page's fault.
/// Only the bytes up to the last member read here are loaded, not <see cref="TaskStructLayout.ReadLength"/>: that
/// reaches thread.sp at the end of the struct (5 KiB in on 6.1), one more page per task that ps never looks at.
/// The task keeps only its SPLIT_RSS_COUNTING deltas of the copy: 100,000 whole copies were a gigabyte.
/// </summary>
internal sealed class TaskReader
{
    /// <summary>PID_MAX_LIMIT on 64-bit: no pid is larger.</summary>
    public const int PidMaxLimit = KernelTasks.PidMaxLimit;

    private readonly IKernel kernel;
    private readonly TaskStateDecoder states;
    private readonly TaskStructLayout _layout;
    private readonly ulong _length;
    private readonly ProbedMember? _deltas;
    private byte[]? _buffer;

    public TaskReader(IKernel kernel, TaskStateDecoder states)
    {
        this.kernel = kernel;
        this.states = states;
        var layout = _layout = TaskStructLayout.Of(kernel);
        _deltas = MmCounters.Of(kernel).TaskDeltas;
        _length = new[]
        {
            layout.State, layout.ExitState, layout.Pid, layout.Tgid, layout.Comm, layout.Cpu, layout.Flags, layout.Prio, layout.StaticPrio,
            layout.Mm, layout.ActiveMm, layout.RealParent, layout.GroupLeader, layout.SignalPointer, layout.ThreadPid, layout.StartTime,
            layout.Utime, layout.Stime, layout.OnCpu, _deltas,
        }.Where(m => m is not null).Max(m => m!.End);
    }

    /// <summary>Bytes of a task_struct read (up to the last member used).</summary>
    public ulong Length => _length;

    public TaskInfo Read(ulong address)
    {
        var layout = _layout;
        // One buffer for every task read here: the task keeps only its deltas (Keep below copies them out).
        var loaded = new KernelObject(kernel, layout.Task.Type, address).Load(_length, "task_struct", _buffer ??= new byte[_length]);
        var task = new TaskInfo(address, loaded);
        task.Pid = (int?)Integer(task, "pid", layout.Pid);
        task.Tgid = (int?)Integer(task, "tgid", layout.Tgid);
        if (loaded.TryString(layout.Comm, out var comm, out var why)) task.Comm = comm;
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
        task.Signal = Unsigned(task, "signal", layout.SignalPointer);
        task.ThreadPid = Unsigned(task, "thread_pid", layout.ThreadPid);
        task.StartTimeNs = Unsigned(task, "start_time", layout.StartTime);
        task.UtimeNs = Unsigned(task, "utime", layout.Utime);
        task.StimeNs = Unsigned(task, "stime", layout.Stime);
        task.OnCpu = Integer(task, "on_cpu", layout.OnCpu);

        task.Object = _deltas is { } deltas ? loaded.Keep(deltas.Offset, deltas.End - deltas.Offset) : loaded.Keep(0, 0);
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

    private static ulong? Unsigned(TaskInfo task, string name, ProbedMember? field)
    {
        if (field is null) return null;
        if (task.Object.TryUnsigned(field, out var value, out var why)) return value;
        task.MarkUnreadable(name, why!);
        return null;
    }

    private static long? Integer(TaskInfo task, string name, ProbedMember? field)
    {
        if (field is null) return null;
        if (task.Object.TryInteger(field, out var value, out var why)) return value;
        task.MarkUnreadable(name, why!);
        return null;
    }
}
