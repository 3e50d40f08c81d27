namespace DumpScope.Sdk.Linux.Sched;

/// <summary>
/// The members of <c>struct task_struct</c>, <c>struct signal_struct</c> and <c>struct rq</c> the scheduler helpers
/// read, probed once per kernel (<see cref="Of"/>) by name, never by version. Renamed or moved members are tried
/// newest first:
/// <c>__state</c> then <c>state</c> (commit 2f064a59a11f "sched: Change task_struct::state", 5.14);
/// <c>thread_info.cpu</c> then <c>cpu</c> (in task_struct from commit c65eacbe290b "sched/core: Allow putting
/// thread_info into task_struct", 4.9, until 5.16 moved it back into thread_info);
/// <c>pid_links[0]</c> then <c>pids[0].node</c> (commit 2c4704756cab "pids: Move the pgrp and session pid pointers
/// from task_struct to signal_struct", 4.19);
/// <c>signal-&gt;thread_head</c>/<c>thread_node</c> (commit 0c740d0afc3b, 3.14) with <c>thread_group</c> as the older
/// ring (removed by commit 8e1f385104ac, 6.7);
/// <c>real_parent</c> then <c>parent</c>.
/// </summary>
public sealed class TaskStructLayout
{
    private TaskStructLayout(IKernel kernel)
    {
        Task = StructLayout.Probe(kernel, "struct task_struct");
        Signal = StructLayout.TryProbe(kernel, "struct signal_struct");
        Rq = StructLayout.TryProbe(kernel, "struct rq");
        State = Task.RequireScalar("__state", "state");
        ExitState = Task.FindScalar("exit_state");
        Pid = Task.RequireScalar("pid");
        Tgid = Task.RequireScalar("tgid");
        Comm = Task.Find("comm") is { Size: > 0 } comm ? comm : throw new TypeNotFoundException("struct task_struct has no member 'comm'");
        Cpu = Task.FindScalar("thread_info.cpu", "cpu");
        Flags = Task.FindScalar("flags");
        Mm = Task.FindScalar("mm");
        ActiveMm = Task.FindScalar("active_mm");
        RealParent = Task.FindScalar("real_parent", "parent");
        GroupLeader = Task.FindScalar("group_leader");
        SignalPointer = Task.FindScalar("signal");
        Stack = Task.FindScalar("stack");
        ThreadSp = Task.FindScalar("thread.sp");
        Tasks = Task.Require("tasks");
        ThreadGroup = Task.Find("thread_group");
        var threadNode = Task.Find("thread_node");
        var threadHead = Signal?.Find("thread_head");
        if (threadNode is not null && threadHead is not null)
        {
            ThreadNode = threadNode;
            SignalThreadHead = threadHead;
        }
        PidLink = Task.Find("pid_links[0]", "pids[0].node");
        ThreadPid = Task.FindScalar("thread_pid");
        Prio = Task.FindScalar("prio");
        StaticPrio = Task.FindScalar("static_prio");
        OnCpu = Task.FindScalar("on_cpu");
        StartTime = Task.FindScalar("start_time");
        Utime = Task.FindScalar("utime");
        Stime = Task.FindScalar("stime");
        Children = Task.Find("children");
        Sibling = Task.Find("sibling");
        SignalNrThreads = Signal?.FindScalar("nr_threads");
        RqCurr = Rq?.FindScalar("curr");
        RqIdle = Rq?.FindScalar("idle");
        kernel.Features.Record(KernelFeatureNames.TaskState, $"task_struct.{State.Path} ({State.Type.DisplayName})",
            State.Path == "__state" ? "task_struct has __state (5.14+)" : "task_struct has no __state, only state", "Sdk.Linux.Sched");
    }

    /// <summary>The probed layout of the kernel's task_struct (probed on first use, then kept).</summary>
    public static TaskStructLayout Of(IKernel kernel) => KernelProbes.Get(kernel, k => new TaskStructLayout(k));

    /// <summary>struct task_struct.</summary>
    public StructLayout Task { get; }

    /// <summary>struct signal_struct, when the kernel has it.</summary>
    public StructLayout? Signal { get; }

    /// <summary>struct rq (the per-cpu runqueue), when the types describe it.</summary>
    public StructLayout? Rq { get; }

    /// <summary>The scheduler state word: <c>__state</c> (5.14+) or <c>state</c>.</summary>
    public ProbedMember State { get; }

    /// <summary>exit_state (EXIT_ZOMBIE, EXIT_DEAD).</summary>
    public ProbedMember? ExitState { get; }

    /// <summary>pid (the thread id).</summary>
    public ProbedMember Pid { get; }

    /// <summary>tgid (the process id).</summary>
    public ProbedMember Tgid { get; }

    /// <summary>comm (char[TASK_COMM_LEN]).</summary>
    public ProbedMember Comm { get; }

    /// <summary>The CPU the task last ran on: thread_info.cpu or cpu.</summary>
    public ProbedMember? Cpu { get; }

    /// <summary>PF_* flags.</summary>
    public ProbedMember? Flags { get; }

    /// <summary>mm (NULL for kernel threads).</summary>
    public ProbedMember? Mm { get; }

    /// <summary>active_mm.</summary>
    public ProbedMember? ActiveMm { get; }

    /// <summary>real_parent (the parent /proc reports), else parent.</summary>
    public ProbedMember? RealParent { get; }

    /// <summary>group_leader.</summary>
    public ProbedMember? GroupLeader { get; }

    /// <summary>signal (the struct signal_struct pointer).</summary>
    public ProbedMember? SignalPointer { get; }

    /// <summary>stack: the base of the task's kernel stack.</summary>
    public ProbedMember? Stack { get; }

    /// <summary>thread.sp: the saved kernel stack pointer of a task that is not running (x86-64 thread_struct).</summary>
    public ProbedMember? ThreadSp { get; }

    /// <summary>tasks: the link in the list of group leaders headed by init_task.</summary>
    public ProbedMember Tasks { get; }

    /// <summary>thread_group: the older headless ring of a group's threads, when present.</summary>
    public ProbedMember? ThreadGroup { get; }

    /// <summary>thread_node: the link in signal-&gt;thread_head, when both exist.</summary>
    public ProbedMember? ThreadNode { get; }

    /// <summary>signal_struct.thread_head, when the kernel has it (and task_struct.thread_node).</summary>
    public ProbedMember? SignalThreadHead { get; }

    /// <summary>The hlist_node linking the task into its struct pid's tasks[PIDTYPE_PID].</summary>
    public ProbedMember? PidLink { get; }

    /// <summary>thread_pid (4.19+): the task's struct pid (idle tasks share init_struct_pid).</summary>
    public ProbedMember? ThreadPid { get; }

    /// <summary>prio: the dynamic priority.</summary>
    public ProbedMember? Prio { get; }

    /// <summary>static_prio: nice + 120.</summary>
    public ProbedMember? StaticPrio { get; }

    /// <summary>on_cpu: 1 while the task runs on a CPU.</summary>
    public ProbedMember? OnCpu { get; }

    /// <summary>start_time: ns since boot (monotonic).</summary>
    public ProbedMember? StartTime { get; }

    /// <summary>utime in ns.</summary>
    public ProbedMember? Utime { get; }

    /// <summary>stime in ns.</summary>
    public ProbedMember? Stime { get; }

    /// <summary>children: the head of the list of the task's children.</summary>
    public ProbedMember? Children { get; }

    /// <summary>sibling: the link in the parent's children list.</summary>
    public ProbedMember? Sibling { get; }

    /// <summary>signal_struct.nr_threads.</summary>
    public ProbedMember? SignalNrThreads { get; }

    /// <summary>
    /// Bytes of a task_struct that hold every member above (list heads and links counted whole), and no more: what a
    /// reader loads (<see cref="KernelObject.Load(ulong, string?)"/>) instead of the declared size.
    /// </summary>
    public ulong ReadLength => _readLength ??= new[]
        {
            State, ExitState, Pid, Tgid, Comm, Cpu, Flags, Mm, ActiveMm, RealParent, GroupLeader, SignalPointer, Stack, ThreadSp, Tasks,
            ThreadGroup, ThreadNode, PidLink, ThreadPid, Prio, StaticPrio, OnCpu, StartTime, Utime, Stime, Children, Sibling,
        }.Where(m => m is not null).Max(m => m!.End);

    private ulong? _readLength;

    /// <summary>rq.curr: the task running on the CPU.</summary>
    public ProbedMember? RqCurr { get; }

    /// <summary>rq.idle: the CPU's idle task.</summary>
    public ProbedMember? RqIdle { get; }
}
