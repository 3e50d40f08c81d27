using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Types;

namespace DumpScope.Plugins.Tasks.Layout;

/// <summary>
/// The members of <c>struct task_struct</c>, <c>struct signal_struct</c> and <c>struct rq</c> the tasks plugin
/// reads, probed once per dump by name (never by kernel version). Members that moved or were renamed are
/// tried in turn: <c>__state</c> (5.14, commit 2f064a59a11f "sched: Change task_struct::state") then
/// <c>state</c>; <c>thread_info.cpu</c> (THREAD_INFO_IN_TASK) then <c>cpu</c> (5.16 moved it out of
/// thread_info for a while); <c>pid_links[0]</c> (4.19) then <c>pids[0].node</c>;
/// <c>signal-&gt;thread_head</c>/<c>thread_node</c> (3.14) with <c>thread_group</c> as the older way (gone in 6.7).
/// </summary>
public sealed class TaskLayout
{
    private int? _readLength;

    private TaskLayout()
    {
    }

    /// <summary>struct task_struct.</summary>
    public required KernelType TaskType { get; init; }

    /// <summary>The CPU the task last ran on.</summary>
    public FieldSpec? Cpu { get; init; }

    /// <summary>The scheduler state word (<c>__state</c> or <c>state</c>).</summary>
    public required FieldSpec State { get; init; }

    /// <summary>exit_state (EXIT_ZOMBIE, EXIT_DEAD).</summary>
    public FieldSpec? ExitState { get; init; }

    /// <summary>PF_* flags.</summary>
    public FieldSpec? Flags { get; init; }

    /// <summary>Dynamic priority.</summary>
    public FieldSpec? Prio { get; init; }

    /// <summary>Static priority (nice + 120).</summary>
    public FieldSpec? StaticPrio { get; init; }

    /// <summary>The address space; NULL for kernel threads (and for exited tasks).</summary>
    public FieldSpec? Mm { get; init; }

    /// <summary>The address space in use (borrowed by kernel threads).</summary>
    public FieldSpec? ActiveMm { get; init; }

    /// <summary>pid.</summary>
    public required FieldSpec Pid { get; init; }

    /// <summary>tgid.</summary>
    public required FieldSpec Tgid { get; init; }

    /// <summary>real_parent (the parent /proc reports), else parent.</summary>
    public FieldSpec? RealParent { get; init; }

    /// <summary>group_leader.</summary>
    public FieldSpec? GroupLeader { get; init; }

    /// <summary>signal.</summary>
    public FieldSpec? Signal { get; init; }

    /// <summary>comm (char[16]).</summary>
    public required FieldSpec Comm { get; init; }

    /// <summary>start_time in ns (monotonic since boot), when a u64.</summary>
    public FieldSpec? StartTime { get; init; }

    /// <summary>utime in ns.</summary>
    public FieldSpec? Utime { get; init; }

    /// <summary>stime in ns.</summary>
    public FieldSpec? Stime { get; init; }

    /// <summary>on_cpu (1 while the task runs on a CPU).</summary>
    public FieldSpec? OnCpu { get; init; }

    /// <summary>thread_pid (4.19+): the struct pid of the task; idle tasks share init_struct_pid.</summary>
    public FieldSpec? ThreadPid { get; init; }

    /// <summary>Offset of <c>tasks</c> (the list of group leaders headed by init_task).</summary>
    public required int TasksOffset { get; init; }

    /// <summary>Offset of <c>children</c>.</summary>
    public int? ChildrenOffset { get; init; }

    /// <summary>Offset of <c>sibling</c> (the link in the parent's children list).</summary>
    public int? SiblingOffset { get; init; }

    /// <summary>Offset of <c>thread_node</c> (the link in signal->thread_head), when both exist.</summary>
    public int? ThreadNodeOffset { get; init; }

    /// <summary>Offset of signal_struct.thread_head, when the kernel has it.</summary>
    public int? SignalThreadHeadOffset { get; init; }

    /// <summary>signal_struct.nr_threads.</summary>
    public FieldSpec? SignalNrThreads { get; init; }

    /// <summary>Offset of <c>thread_group</c> (the older headless ring of a group's threads), when present.</summary>
    public int? ThreadGroupOffset { get; init; }

    /// <summary>Offset of the hlist_node linking the task into its struct pid's tasks[PIDTYPE_PID].</summary>
    public int? PidLinkOffset { get; init; }

    /// <summary>task->rss_stat.count (SPLIT_RSS_COUNTING before 6.2): the per-thread cached RSS deltas, int each.</summary>
    public FieldSpec? TaskRssCount { get; init; }

    /// <summary>Element count of <see cref="TaskRssCount"/>.</summary>
    public int TaskRssCounters { get; init; }

    /// <summary>struct rq's curr.</summary>
    public FieldSpec? RqCurr { get; init; }

    /// <summary>struct rq's idle.</summary>
    public FieldSpec? RqIdle { get; init; }

    /// <summary>Bytes of a task_struct to read so that every member above is covered (and no more).</summary>
    public int ReadLength => _readLength ??= ComputeReadLength();

    /// <summary>Probes the layout from the kernel's types; throws <see cref="TypeNotFoundException"/> when a required member is missing.</summary>
    public static TaskLayout Probe(IKernel kernel)
    {
        var task = kernel.Types.Require("struct task_struct");
        var signal = kernel.Types.TryParse("struct signal_struct");
        var rq = kernel.Types.TryParse("struct rq");

        FieldSpec? rssCount = FieldSpec.Find(task, "rss_stat.count");
        int rssCounters = 0;
        if (rssCount is not null)
        {
            var array = task.Resolve().FindMember("rss_stat.count").Type.Resolve();
            if (array.Kind == TypeKind.Array && array.Target?.Resolve().Size == 4) rssCounters = (int)array.ArrayLength;
            else rssCount = null;
        }
        int? threadHead = signal is not null ? FieldSpec.FirstOffset(signal, "thread_head") : null;
        int? threadNode = FieldSpec.FirstOffset(task, "thread_node");
        if (threadHead is null || threadNode is null) threadHead = threadNode = null;

        var layout = new TaskLayout
        {
            TaskType = task,
            Cpu = FieldSpec.FirstScalar(task, "thread_info.cpu", "cpu"),
            State = FieldSpec.RequireScalar(task, "__state", "state"),
            ExitState = FieldSpec.FindScalar(task, "exit_state"),
            Flags = FieldSpec.FindScalar(task, "flags"),
            Prio = FieldSpec.FindScalar(task, "prio"),
            StaticPrio = FieldSpec.FindScalar(task, "static_prio"),
            Mm = FieldSpec.FindScalar(task, "mm"),
            ActiveMm = FieldSpec.FindScalar(task, "active_mm"),
            Pid = FieldSpec.RequireScalar(task, "pid"),
            Tgid = FieldSpec.RequireScalar(task, "tgid"),
            RealParent = FieldSpec.FirstScalar(task, "real_parent", "parent"),
            GroupLeader = FieldSpec.FindScalar(task, "group_leader"),
            Signal = FieldSpec.FindScalar(task, "signal"),
            Comm = FieldSpec.Find(task, "comm") is { Size: > 0 } comm ? comm : throw new TypeNotFoundException("struct task_struct has no member 'comm'"),
            StartTime = FieldSpec.FindScalar(task, "start_time"),
            Utime = FieldSpec.FindScalar(task, "utime"),
            Stime = FieldSpec.FindScalar(task, "stime"),
            OnCpu = FieldSpec.FindScalar(task, "on_cpu"),
            ThreadPid = FieldSpec.FindScalar(task, "thread_pid"),
            TasksOffset = FieldSpec.RequireOffset(task, "tasks"),
            ChildrenOffset = FieldSpec.FirstOffset(task, "children"),
            SiblingOffset = FieldSpec.FirstOffset(task, "sibling"),
            ThreadNodeOffset = threadNode,
            SignalThreadHeadOffset = threadHead,
            SignalNrThreads = signal is not null ? FieldSpec.FindScalar(signal, "nr_threads") : null,
            ThreadGroupOffset = FieldSpec.FirstOffset(task, "thread_group"),
            PidLinkOffset = FieldSpec.FirstOffset(task, "pid_links[0]", "pids[0].node"),
            TaskRssCount = rssCount,
            TaskRssCounters = rssCounters,
            RqCurr = rq is not null ? FieldSpec.FindScalar(rq, "curr") : null,
            RqIdle = rq is not null ? FieldSpec.FindScalar(rq, "idle") : null,
        };
        return layout;
    }

    private int ComputeReadLength()
    {
        var ends = new List<int> { State.End, Pid.End, Tgid.End, Comm.End, TasksOffset + ListHeadSize };
        foreach (var f in new[] { Cpu, ExitState, Flags, Prio, StaticPrio, Mm, ActiveMm, RealParent, GroupLeader, Signal, StartTime, Utime, Stime, OnCpu, ThreadPid, TaskRssCount })
            if (f is not null) ends.Add(f.End);
        foreach (var o in new[] { ChildrenOffset, SiblingOffset, ThreadNodeOffset, ThreadGroupOffset, PidLinkOffset })
            if (o is { } offset) ends.Add(offset + ListHeadSize);
        return ends.Max();
    }

    /// <summary>Two pointers: struct list_head (and the larger of hlist_node).</summary>
    private const int ListHeadSize = 16;
}
