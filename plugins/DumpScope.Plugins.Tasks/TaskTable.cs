namespace DumpScope.Plugins.Tasks;

/// <summary>
/// Every task the walks found, in ps order (pid, then CPU for the idle tasks that share pid 0), with the
/// per-CPU view (running and idle tasks, the dump's notes), the panicking task, and what did not add up.
/// </summary>
public sealed class TaskTable
{
    private readonly Dictionary<ulong, TaskInfo> _byAddress;

    internal TaskTable(IReadOnlyList<TaskInfo> tasks, IReadOnlyList<CpuTasks> cpus, int? panicCpu, string? panicNote,
        IReadOnlyList<string> warnings, IReadOnlyList<string> notes, IReadOnlyList<PidEntry>? pids)
    {
        Tasks = tasks;
        Cpus = cpus;
        PanicCpu = panicCpu;
        PanicNote = panicNote;
        Warnings = warnings;
        Notes = notes;
        Pids = pids;
        _byAddress = tasks.ToDictionary(t => t.Address);
        PanicTask = panicCpu is { } cpu ? cpus.FirstOrDefault(c => c.Cpu == cpu)?.Current : null;
    }

    /// <summary>The tasks, sorted by pid, then CPU, then address.</summary>
    public IReadOnlyList<TaskInfo> Tasks { get; }

    /// <summary>Per-CPU runqueue facts, one per possible CPU below nr_cpu_ids.</summary>
    public IReadOnlyList<CpuTasks> Cpus { get; }

    /// <summary>The CPU that panicked (the kernel's panic_cpu), or null.</summary>
    public int? PanicCpu { get; }

    /// <summary>The panicking task: the task running on <see cref="PanicCpu"/>.</summary>
    public ulong? PanicTask { get; }

    /// <summary>Why there is no panicking task, or how it was found.</summary>
    public string? PanicNote { get; }

    /// <summary>Inconsistencies: walks cut short, tasks found by one walk and not another, notes disagreeing with runqueues.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>How the table was built (fallbacks used, walks not available on this kernel).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>The initial PID namespace's pids, when it could be walked.</summary>
    public IReadOnlyList<PidEntry>? Pids { get; }

    /// <summary>The task at an address, if listed.</summary>
    public TaskInfo? ByAddress(ulong address) => _byAddress.GetValueOrDefault(address);

    /// <summary>The tasks with a pid (several for pid 0: one idle task per CPU).</summary>
    public IEnumerable<TaskInfo> ByPid(int pid) => Tasks.Where(t => t.Pid == pid);

    /// <summary>The CPU a task is running on (it is some runqueue's curr), or null.</summary>
    public int? ActiveCpu(TaskInfo task)
    {
        // Asked for every row of ps: a loop, not a closure per call.
        foreach (var cpu in Cpus)
            if (cpu.Current == task.Address) return cpu.Cpu;
        return null;
    }

    /// <summary>True for the panicking task.</summary>
    public bool IsPanicking(TaskInfo task) => PanicTask == task.Address;

    /// <summary>
    /// The parent's pid as /proc shows it (the tgid of real_parent), 0 for a task that is its own parent
    /// (init_task); null when real_parent is unknown.
    /// </summary>
    public int? ParentPid(TaskInfo task)
    {
        if (task.RealParent is not { } parent) return null;
        if (parent == task.Address) return 0;
        return ByAddress(parent) is { } p ? p.Tgid : null;
    }

    /// <summary>The real_parent task, if listed.</summary>
    public TaskInfo? Parent(TaskInfo task) =>
        task.RealParent is { } parent && parent != task.Address ? ByAddress(parent) : null;
}
