namespace DumpScope.Sdk.Linux.Sched;

/// <summary>Which of a runqueue's scheduling classes holds an entity.</summary>
public enum SchedQueue
{
    /// <summary>The deadline class (<c>rq-&gt;dl</c>, an rb-tree of <c>struct sched_dl_entity</c> by deadline).</summary>
    Deadline,
    /// <summary>The real-time class (<c>rq-&gt;rt.active</c>, a list per priority of <c>struct sched_rt_entity</c>).</summary>
    RealTime,
    /// <summary>The fair class (<c>rq-&gt;cfs.tasks_timeline</c>, an rb-tree of <c>struct sched_entity</c>).</summary>
    Fair,
}

/// <summary>
/// One entity queued on a runqueue: a task, or (fair class, CONFIG_FAIR_GROUP_SCHED) a group entity whose own
/// <c>cfs_rq</c> (<paramref name="GroupQueue"/>) holds more entities one <paramref name="Depth"/> deeper.
/// </summary>
/// <param name="Queue">The scheduling class.</param>
/// <param name="Entity">The sched_entity / sched_rt_entity / sched_dl_entity address.</param>
/// <param name="Task">The task_struct holding the entity, 0 for a group entity.</param>
/// <param name="GroupQueue">A group entity's <c>my_q</c> (its cfs_rq), 0 for a task.</param>
/// <param name="Depth">0 for the runqueue's own tree, n for the n-th nested group's tree.</param>
/// <param name="Prio">The task's <c>prio</c>; null for a group entity or when unreadable.</param>
/// <param name="Problem">What could not be read about this entity, or null.</param>
public sealed record QueuedEntity(SchedQueue Queue, ulong Entity, ulong Task, ulong GroupQueue, int Depth, int? Prio, string? Problem)
{
    /// <summary>True for a group scheduling entity (no task of its own).</summary>
    public bool IsGroup => GroupQueue != 0;

    /// <summary>A fair entity's <c>vruntime</c>, null for other classes or when unreadable.</summary>
    public ulong? Vruntime { get; init; }

    /// <summary>
    /// A fair entity's EEVDF virtual deadline (<c>se.deadline</c>, commit 147f3efaa241 "sched/fair: Implement an
    /// EEVDF-like scheduling policy", 6.6) or a deadline entity's absolute deadline; null when the kernel has none.
    /// </summary>
    public ulong? Deadline { get; init; }

    /// <summary>A fair entity's EEVDF lag (<c>se.vlag</c>, 6.6), null before EEVDF.</summary>
    public long? Lag { get; init; }
}
