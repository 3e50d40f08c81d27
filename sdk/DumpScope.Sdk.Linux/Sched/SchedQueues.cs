using DumpScope.Sdk.Linux.RbTree;

namespace DumpScope.Sdk.Linux.Sched;

/// <summary>
/// What waits on a runqueue, per scheduling class (kernel/sched/fair.c, rt.c, deadline.c): the fair class's
/// <c>cfs_rq.tasks_timeline</c> rb-tree (with group entities leading to their own cfs_rq), the RT class's
/// <c>rt_prio_array</c> (one list per priority) and the deadline class's <c>dl_rq.root</c> rb-tree. Every walk is
/// bounded and cycle-aware; a damaged entity is an entry with its problem, a damaged tree ends with the problem.
/// </summary>
public static class SchedQueues
{
    /// <summary>How deep nested task groups are followed (the kernel's own limit is far lower in practice).</summary>
    public const int MaxGroupDepth = 16;

    /// <summary>The members read here, probed once per kernel.</summary>
    public sealed class Layout
    {
        internal Layout(IKernel kernel)
        {
            Rq = StructLayout.Probe(kernel, "struct rq");
            var task = StructLayout.Probe(kernel, "struct task_struct");
            Cfs = Rq.Require("cfs");
            Rt = Rq.Require("rt");
            Dl = Rq.Find("dl");
            RqNrRunning = Rq.FindScalar("nr_running");
            RqClock = Rq.FindScalar("clock");
            var cfsRq = StructLayout.Probe(kernel, "struct cfs_rq");
            // rb_root_cached since commit bfb068892d30 "sched/fair: replace cfs_rq->rb_root & rb_leftmost with
            // rb_root_cached" (4.14); a plain rb_root before.
            Timeline = cfsRq.Require("tasks_timeline.rb_root", "tasks_timeline");
            CfsNrRunning = cfsRq.FindScalar("nr_running");
            MinVruntime = cfsRq.FindScalar("min_vruntime");
            var se = StructLayout.Probe(kernel, "struct sched_entity");
            RunNode = se.Require("run_node");
            MyQ = se.FindScalar("my_q");
            Vruntime = se.FindScalar("vruntime");
            // EEVDF (commit 147f3efaa241, 6.6) added the virtual deadline and lag; probed, not version-checked.
            SeDeadline = se.FindScalar("deadline");
            Vlag = se.FindScalar("vlag");
            TaskSe = task.Require("se");
            TaskRt = task.Find("rt");
            TaskDl = task.Find("dl");
            Prio = task.FindScalar("prio");
            LastArrival = task.FindScalar("sched_info.last_arrival");
            var rtRq = StructLayout.Probe(kernel, "struct rt_rq");
            Active = rtRq.Require("active");
            RtNrRunning = rtRq.FindScalar("rt_nr_running");
            var array = StructLayout.Probe(kernel, "struct rt_prio_array");
            Queues = array.Require("queue");
            var rtQueueType = Queues.Type.Resolve();
            RtPriorities = rtQueueType.ArrayLength == 0 ? 100 : (int)rtQueueType.ArrayLength;
            ListHeadSize = rtQueueType.Target?.Resolve().Size is > 0 and var size ? size : 16;
            var rtSe = StructLayout.Probe(kernel, "struct sched_rt_entity");
            RunList = rtSe.Require("run_list");
            // rt group entities (CONFIG_RT_GROUP_SCHED) have my_q; without it every rt entity is a task.
            RtMyQ = rtSe.FindScalar("my_q");
            if (Dl is not null && StructLayout.TryProbe(kernel, "struct dl_rq") is { } dlRq)
            {
                // rb_root_cached since commit 2161573ecd69 "sched/deadline: replace earliest dl and rq leftmost
                // caching" (4.14); before it the tree was dl_rq.rb_root.
                DlRoot = dlRq.Find("root.rb_root", "root", "rb_root");
                DlNrRunning = dlRq.FindScalar("dl_nr_running");
                var dlSe = StructLayout.Probe(kernel, "struct sched_dl_entity");
                DlNode = dlSe.Require("rb_node");
                DlDeadline = dlSe.FindScalar("deadline");
            }
        }

        /// <summary>struct rq.</summary>
        public StructLayout Rq { get; }
        /// <summary>rq.cfs, rq.rt, rq.dl (null before the deadline class, 3.14).</summary>
        public ProbedMember Cfs { get; }
        /// <inheritdoc cref="Cfs"/>
        public ProbedMember Rt { get; }
        /// <inheritdoc cref="Cfs"/>
        public ProbedMember? Dl { get; }
        /// <summary>rq.nr_running, rq.clock.</summary>
        public ProbedMember? RqNrRunning { get; }
        /// <inheritdoc cref="RqNrRunning"/>
        public ProbedMember? RqClock { get; }
        /// <summary>cfs_rq's rb_root of queued entities.</summary>
        public ProbedMember Timeline { get; }
        /// <summary>cfs_rq.nr_running, min_vruntime.</summary>
        public ProbedMember? CfsNrRunning { get; }
        /// <inheritdoc cref="CfsNrRunning"/>
        public ProbedMember? MinVruntime { get; }
        /// <summary>sched_entity members.</summary>
        public ProbedMember RunNode { get; }
        /// <inheritdoc cref="RunNode"/>
        public ProbedMember? MyQ { get; }
        /// <inheritdoc cref="RunNode"/>
        public ProbedMember? Vruntime { get; }
        /// <inheritdoc cref="RunNode"/>
        public ProbedMember? SeDeadline { get; }
        /// <inheritdoc cref="RunNode"/>
        public ProbedMember? Vlag { get; }
        /// <summary>task_struct members.</summary>
        public ProbedMember TaskSe { get; }
        /// <inheritdoc cref="TaskSe"/>
        public ProbedMember? TaskRt { get; }
        /// <inheritdoc cref="TaskSe"/>
        public ProbedMember? TaskDl { get; }
        /// <inheritdoc cref="TaskSe"/>
        public ProbedMember? Prio { get; }
        /// <inheritdoc cref="TaskSe"/>
        public ProbedMember? LastArrival { get; }
        /// <summary>rt_rq members.</summary>
        public ProbedMember Active { get; }
        /// <inheritdoc cref="Active"/>
        public ProbedMember? RtNrRunning { get; }
        /// <summary>rt_prio_array.queue and its length (MAX_RT_PRIO).</summary>
        public ProbedMember Queues { get; }
        /// <inheritdoc cref="Queues"/>
        public int RtPriorities { get; }
        /// <summary>sizeof(struct list_head).</summary>
        public ulong ListHeadSize { get; }
        /// <summary>sched_rt_entity members.</summary>
        public ProbedMember RunList { get; }
        /// <inheritdoc cref="RunList"/>
        public ProbedMember? RtMyQ { get; }
        /// <summary>dl_rq and sched_dl_entity members (null without the deadline class).</summary>
        public ProbedMember? DlRoot { get; }
        /// <inheritdoc cref="DlRoot"/>
        public ProbedMember? DlNrRunning { get; }
        /// <inheritdoc cref="DlRoot"/>
        public ProbedMember? DlNode { get; }
        /// <inheritdoc cref="DlRoot"/>
        public ProbedMember? DlDeadline { get; }
    }

    /// <summary>The layout of this kernel's runqueues. Throws <see cref="TypeNotFoundException"/> without struct rq.</summary>
    public static Layout Of(IKernel kernel) => KernelProbes.Get(kernel, k => new Layout(k));

    /// <summary>The address of CPU <paramref name="cpu"/>'s <c>rq-&gt;cfs</c>, <c>rq-&gt;rt.active</c> (the rt_prio_array) and <c>rq-&gt;dl</c> (0 when absent).</summary>
    public static (ulong Cfs, ulong RtArray, ulong Dl) RqQueues(IKernel kernel, int cpu)
    {
        var layout = Of(kernel);
        ulong rq = Runqueues.CpuRq(kernel, cpu).Address;
        return (rq + layout.Cfs.Offset, rq + layout.Rt.Offset + layout.Active.Offset, layout.Dl is null ? 0 : rq + layout.Dl.Offset);
    }

    /// <summary>
    /// The entities of the cfs_rq at <paramref name="cfsRq"/> in vruntime order (the rb-tree's in-order walk), a
    /// group entity followed by the entities of its own cfs_rq (depth + 1, at most <see cref="MaxGroupDepth"/>),
    /// at most <paramref name="bound"/> in all.
    /// </summary>
    public static WalkResult<QueuedEntity> CfsRqQueued(IKernel kernel, ulong cfsRq, int bound, CancellationToken cancellation = default)
    {
        var layout = Of(kernel);
        var items = new List<QueuedEntity>();
        var seenQueues = new HashSet<ulong>();
        var (end, problem) = WalkCfs(kernel, layout, cfsRq, 0, bound, items, seenQueues, cancellation);
        return new(items, end, problem);
    }

    private static (WalkEnd End, string? Problem) WalkCfs(IKernel kernel, Layout layout, ulong cfsRq, int depth, int bound,
        List<QueuedEntity> items, HashSet<ulong> seenQueues, CancellationToken cancellation)
    {
        if (!seenQueues.Add(cfsRq)) return (WalkEnd.Cycle, $"cfs_rq {cfsRq:x} reached twice through group entities (a cycle)");
        var nodes = RbTrees.RbForEach(kernel, cfsRq + layout.Timeline.Offset, bound - items.Count, cancellation);
        var end = nodes.End;
        string? problem = nodes.Problem is null ? null : $"cfs_rq {cfsRq:x}: {nodes.Problem}";
        foreach (ulong node in nodes.Items)
        {
            ulong se = node - layout.RunNode.Offset;
            var entity = kernel.Object("struct sched_entity", se);
            ulong myQ = 0;
            string? why = null;
            if (layout.MyQ is not null && !entity.TryUnsigned(layout.MyQ, out myQ, out why)) myQ = 0;
            ulong? vruntime = layout.Vruntime is not null && entity.TryUnsigned(layout.Vruntime, out var v, out _) ? v : null;
            ulong? deadline = layout.SeDeadline is not null && entity.TryUnsigned(layout.SeDeadline, out var d, out _) ? d : null;
            long? lag = layout.Vlag is not null && entity.TryInteger(layout.Vlag, out var l, out _) ? l : null;
            if (myQ != 0)
            {
                items.Add(new QueuedEntity(SchedQueue.Fair, se, 0, myQ, depth, null, why) { Vruntime = vruntime, Deadline = deadline, Lag = lag });
                if (!KernelAddress.IsKernel(myQ))
                {
                    (end, problem) = (WalkEnd.CorruptLink, problem ?? $"sched_entity {se:x}: my_q {myQ:x} is not a kernel address");
                    continue;
                }
                if (depth + 1 > MaxGroupDepth)
                {
                    (end, problem) = (WalkEnd.BoundReached, problem ?? $"task groups nested deeper than {MaxGroupDepth} at cfs_rq {myQ:x}");
                    continue;
                }
                var (innerEnd, innerProblem) = WalkCfs(kernel, layout, myQ, depth + 1, bound, items, seenQueues, cancellation);
                if (innerProblem is not null && problem is null) (end, problem) = (innerEnd, innerProblem);
                continue;
            }
            ulong task = se - layout.TaskSe.Offset;
            items.Add(new QueuedEntity(SchedQueue.Fair, se, task, 0, depth, ReadPrio(kernel, layout, task, ref why), why)
                { Vruntime = vruntime, Deadline = deadline, Lag = lag });
        }
        return (end, problem);
    }

    /// <summary>
    /// The entities on the rt_prio_array at <paramref name="rtArray"/>, by priority (list 0 first) and in each list's
    /// order, at most <paramref name="bound"/>; a group entity (CONFIG_RT_GROUP_SCHED) is followed by its own rt_rq's.
    /// </summary>
    public static WalkResult<QueuedEntity> RtRqQueued(IKernel kernel, ulong rtArray, int bound, CancellationToken cancellation = default)
    {
        var layout = Of(kernel);
        var items = new List<QueuedEntity>();
        var (end, problem) = WalkRt(kernel, layout, rtArray, 0, bound, items, [], cancellation);
        return new(items, end, problem);
    }

    private static (WalkEnd End, string? Problem) WalkRt(IKernel kernel, Layout layout, ulong rtArray, int depth, int bound,
        List<QueuedEntity> items, HashSet<ulong> seenQueues, CancellationToken cancellation)
    {
        var end = WalkEnd.Completed;
        string? problem = null;
        if (!seenQueues.Add(rtArray)) return (WalkEnd.Cycle, $"rt_prio_array {rtArray:x} reached twice (a cycle)");
        for (int prio = 0; prio < layout.RtPriorities; prio++)
        {
            ulong head = rtArray + layout.Queues.Offset + (ulong)prio * layout.ListHeadSize;
            var list = KernelLists.ListForEach(kernel.Memory, head, Math.Max(0, bound - items.Count), cancellation);
            if (list.Problem is not null && problem is null) (end, problem) = (list.End, $"rt queue [{prio}] at {head:x}: {list.Problem}");
            foreach (ulong node in list.Items)
            {
                ulong rtSe = node - layout.RunList.Offset;
                ulong myQ = 0;
                string? why = null;
                if (layout.RtMyQ is not null && !kernel.Object("struct sched_rt_entity", rtSe).TryUnsigned(layout.RtMyQ, out myQ, out why)) myQ = 0;
                if (myQ != 0)
                {
                    items.Add(new QueuedEntity(SchedQueue.RealTime, rtSe, 0, myQ, depth, prio, why));
                    if (depth + 1 <= MaxGroupDepth && KernelAddress.IsKernel(myQ))
                    {
                        var (e, p) = WalkRt(kernel, layout, myQ + layout.Active.Offset, depth + 1, bound, items, seenQueues, cancellation);
                        if (p is not null && problem is null) (end, problem) = (e, p);
                    }
                    continue;
                }
                if (layout.TaskRt is null) continue;
                ulong task = rtSe - layout.TaskRt.Offset;
                items.Add(new QueuedEntity(SchedQueue.RealTime, rtSe, task, 0, depth, ReadPrio(kernel, layout, task, ref why), why));
            }
            if (items.Count >= bound) return (WalkEnd.BoundReached, problem ?? $"rt_prio_array {rtArray:x}: stopped after {bound} entities");
        }
        return (end, problem);
    }

    /// <summary>The deadline entities of the dl_rq at <paramref name="dlRq"/> in deadline order, at most <paramref name="bound"/>.</summary>
    public static WalkResult<QueuedEntity> DlRqQueued(IKernel kernel, ulong dlRq, int bound, CancellationToken cancellation = default)
    {
        var layout = Of(kernel);
        if (layout.DlRoot is null || layout.DlNode is null || layout.TaskDl is null)
            return new([], WalkEnd.Completed, null);
        var nodes = RbTrees.RbForEach(kernel, dlRq + layout.DlRoot.Offset, bound, cancellation);
        var items = new List<QueuedEntity>();
        foreach (ulong node in nodes.Items)
        {
            ulong dlSe = node - layout.DlNode.Offset;
            ulong task = dlSe - layout.TaskDl.Offset;
            string? why = null;
            ulong? deadline = layout.DlDeadline is not null && kernel.Object("struct sched_dl_entity", dlSe).TryUnsigned(layout.DlDeadline, out var d, out why) ? d : null;
            items.Add(new QueuedEntity(SchedQueue.Deadline, dlSe, task, 0, 0, ReadPrio(kernel, layout, task, ref why), why) { Deadline = deadline });
        }
        return new(items, nodes.End, nodes.Problem is null ? null : $"dl_rq {dlRq:x}: {nodes.Problem}");
    }

    private static int? ReadPrio(IKernel kernel, Layout layout, ulong task, ref string? why)
    {
        if (layout.Prio is null) return null;
        if (kernel.Object("struct task_struct", task).TryInteger(layout.Prio, out var prio, out var reason)) return (int)prio;
        why ??= $"prio unreadable: {reason}";
        return null;
    }
}
