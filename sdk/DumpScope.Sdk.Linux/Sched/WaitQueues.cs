namespace DumpScope.Sdk.Linux.Sched;

/// <summary>One <c>struct wait_queue_entry</c> on a wait queue.</summary>
/// <param name="Entry">The wait_queue_entry address.</param>
/// <param name="Private">Its <c>private</c> (the waiting task for the default wake function), null when unreadable.</param>
/// <param name="Function">Its <c>func</c> (the wake function), null when unreadable.</param>
/// <param name="Flags">Its <c>flags</c> (WQ_FLAG_EXCLUSIVE …), null when unreadable.</param>
public sealed record WaitQueueEntry(ulong Entry, ulong? Private, ulong? Function, uint? Flags);

/// <summary>Wait queues (include/linux/wait.h): a <c>wait_queue_head</c>'s <c>head</c> list of <c>wait_queue_entry</c> linked through <c>entry</c>.</summary>
public static class WaitQueues
{
    /// <summary>At most this many waiters are walked.</summary>
    public const int Bound = 1 << 20;

    /// <summary>
    /// The waiters on the wait_queue_head at <paramref name="head"/> in list order, bounded and cycle-aware. The
    /// members were renamed in commit 2055da97389a "sched/wait: Disambiguate wq_entry->task_list and
    /// wq_head->task_list naming" (4.13: task_list became head and entry); both are probed.
    /// </summary>
    public static WalkResult<WaitQueueEntry> WaitQueueForEach(IKernel kernel, ulong head, CancellationToken cancellation = default)
    {
        string headType = kernel.Types.FindType("struct wait_queue_head") is not null ? "struct wait_queue_head" : "struct __wait_queue_head";
        string entryType = kernel.Types.FindType("struct wait_queue_entry") is not null ? "struct wait_queue_entry" : "struct __wait_queue";
        var headLayout = StructLayout.Probe(kernel, headType);
        var entryLayout = StructLayout.Probe(kernel, entryType);
        ulong list = head + headLayout.Require("head", "task_list").Offset;
        ulong link = entryLayout.Require("entry", "task_list").Offset;
        var priv = entryLayout.FindScalar("private");
        var func = entryLayout.FindScalar("func");
        var flags = entryLayout.FindScalar("flags");
        return KernelLists.ListForEach(kernel.Memory, list, Bound, cancellation).Select(node =>
        {
            var entry = kernel.Object(entryType, node - link);
            return new WaitQueueEntry(entry.Address,
                priv is not null && entry.TryUnsigned(priv, out var p, out _) ? p : null,
                func is not null && entry.TryUnsigned(func, out var f, out _) ? f : null,
                flags is not null && entry.TryUnsigned(flags, out var fl, out _) ? (uint)fl : null);
        });
    }
}
