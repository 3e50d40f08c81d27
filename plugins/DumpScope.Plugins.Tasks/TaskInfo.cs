namespace DumpScope.Plugins.Tasks;

/// <summary>
/// One task as read from the dump: the fields ps and task show, each null when unreadable with the reason in
/// <see cref="Unreadable"/>, which walks found it, and what is wrong with it.
/// </summary>
public sealed class TaskInfo
{
    /// <summary>PF_KTHREAD: the task is a kernel thread (stable since 2.6.27).</summary>
    public const ulong PfKthread = KernelTasks.PfKthread;

    // Made on the first entry: most tasks have none, and a walk keeps hundreds of thousands of tasks.
    private Dictionary<string, string>? _unreadable;
    private List<string>? _problems;

    internal TaskInfo(ulong address, KernelObject loaded)
    {
        Address = address;
        Object = loaded;
    }

    /// <summary>The task_struct's address.</summary>
    public ulong Address { get; }

    /// <summary>pid.</summary>
    public int? Pid { get; internal set; }

    /// <summary>tgid.</summary>
    public int? Tgid { get; internal set; }

    /// <summary>comm.</summary>
    public string? Comm { get; internal set; }

    /// <summary>The CPU it last ran on (thread_info.cpu or cpu).</summary>
    public int? Cpu { get; internal set; }

    /// <summary>The raw state word.</summary>
    public ulong? StateWord { get; internal set; }

    /// <summary>exit_state.</summary>
    public long? ExitState { get; internal set; }

    /// <summary>The decoded state, when the state word was readable.</summary>
    public TaskState? State { get; internal set; }

    /// <summary>PF_* flags.</summary>
    public ulong? Flags { get; internal set; }

    /// <summary>prio.</summary>
    public int? Prio { get; internal set; }

    /// <summary>static_prio.</summary>
    public int? StaticPrio { get; internal set; }

    /// <summary>mm (0 for kernel threads).</summary>
    public ulong? Mm { get; internal set; }

    /// <summary>active_mm.</summary>
    public ulong? ActiveMm { get; internal set; }

    /// <summary>real_parent.</summary>
    public ulong? RealParent { get; internal set; }

    /// <summary>group_leader.</summary>
    public ulong? GroupLeader { get; internal set; }

    /// <summary>signal.</summary>
    public ulong? Signal { get; internal set; }

    /// <summary>thread_pid (the struct pid), when the kernel has it.</summary>
    public ulong? ThreadPid { get; internal set; }

    /// <summary>start_time, ns since boot.</summary>
    public ulong? StartTimeNs { get; internal set; }

    /// <summary>utime, ns.</summary>
    public ulong? UtimeNs { get; internal set; }

    /// <summary>stime, ns.</summary>
    public ulong? StimeNs { get; internal set; }

    /// <summary>on_cpu.</summary>
    public long? OnCpu { get; internal set; }

    /// <summary>The walks that reached the task.</summary>
    public TaskSources Sources { get; internal set; }

    /// <summary>numbers[0].nr of the struct pid that led to the task in the PID-namespace walk.</summary>
    public int? NamespacePid { get; internal set; }

    /// <summary>What is wrong with this task (unreadable fields, inconsistencies), in order found.</summary>
    public IReadOnlyList<string> Problems => (IReadOnlyList<string>?)_problems ?? [];

    /// <summary>Unreadable fields and why, by field name ("comm").</summary>
    public IReadOnlyDictionary<string, string> Unreadable => (IReadOnlyDictionary<string, string>?)_unreadable ?? System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;

    /// <summary>True for a kernel thread: PF_KTHREAD when the flags are readable, else no mm, as crash decides.</summary>
    public bool IsKernelThread => Flags is { } f ? (f & PfKthread) != 0 || Pid == 0 : Mm == 0;

    /// <summary>True when the task leads its thread group (pid == tgid).</summary>
    public bool IsGroupLeader => Pid is { } p && Tgid is { } t && p == t;

    /// <summary>The task_struct as loaded: whole while <see cref="TaskReader"/> reads it, then only the bytes read later (the rss deltas).</summary>
    internal KernelObject Object { get; set; }

    /// <summary>Why a field is unreadable, or null.</summary>
    public string? WhyUnreadable(string field) => _unreadable?.GetValueOrDefault(field);

    internal void MarkUnreadable(string field, string reason) => (_unreadable ??= new(StringComparer.Ordinal)).TryAdd(field, reason);

    internal void AddProblem(string problem)
    {
        _problems ??= [];
        if (!_problems.Contains(problem)) _problems.Add(problem);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Pid?.ToString() ?? "?"} {Comm ?? "?"} @{Address:x}";
}
