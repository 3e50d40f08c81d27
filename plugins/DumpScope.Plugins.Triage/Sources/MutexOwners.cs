using DumpScope.Sdk.Linux.Stack;

namespace DumpScope.Plugins.Triage.Sources;

/// <summary>
/// Best effort: the owner of the mutex a blocked task waits for. __mutex_lock_common keeps its struct
/// mutex_waiter { list; task; … } on the waiting task's own stack and links it into <c>mutex->wait_list</c>; so a
/// word equal to the task's address on its stack, preceded by a list_head, is a waiter; following the list to the
/// node that is not a waiter gives the mutex's wait_list, and <c>mutex->owner &amp; ~MUTEX_FLAGS</c> (0x07, commit
/// 3ca0ff571b09 "locking/mutex: Rework mutex::owner", 4.10) is the owner, accepted only when it is a task of the
/// task list. Nothing is claimed when any step fails.
/// </summary>
internal sealed class MutexOwners(TriageContext context)
{
    private const int MaxWaiters = 1024;
    private const ulong MutexFlags = 0x07;

    private HashSet<ulong>? _tasks;

    /// <summary>"PID N (comm)" of the owner, or null.</summary>
    public string? Find(KernelObject task, Backtrace trace)
    {
        if (!trace.Frames.Any(f => f.Symbol is { } s && s.Symbol.Name.Contains("mutex_lock", StringComparison.Ordinal))) return null;
        var kernel = context.Kernel;
        _tasks ??= context.Tasks.Select(t => t.Address).ToHashSet();
        ulong taskOffset = Offset(kernel, "struct mutex_waiter", "task", 16);
        ulong waitListOffset = Offset(kernel, "struct mutex", "wait_list", 16);
        StackArea stack;
        try
        {
            stack = context.Backtracer.Stacks.TaskStack(task.Address);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return null;
        }
        ulong from = trace.Frames.Count > 0 && stack.Contains(trace.Frames[0].StackAddress) ? trace.Frames[0].StackAddress : stack.Start;
        for (ulong at = from & ~7UL; at + 8 <= stack.End; at += 8)
        {
            if (!kernel.Memory.TryReadU64(at, out var value, out _) || value != task.Address || at < stack.Start + taskOffset) continue;
            ulong waiter = at - taskOffset;
            if (Owner(kernel, waiter, taskOffset, waitListOffset, stack) is { } owner)
            {
                var ownerTask = kernel.Object("struct task_struct", owner);
                return $"PID {TaskFacts.Pid(ownerTask)?.ToString(CultureInfo.InvariantCulture) ?? "?"} ({TaskFacts.Comm(ownerTask)}) task {owner:x16}";
            }
        }
        return null;
    }

    private ulong? Owner(IKernel kernel, ulong waiter, ulong taskOffset, ulong waitListOffset, StackArea stack)
    {
        var seen = new HashSet<ulong> { waiter };
        ulong node = waiter;
        for (int i = 0; i < MaxWaiters; i++)
        {
            if (!kernel.Memory.TryReadU64(node, out var next, out _) || !KernelAddress.IsKernel(next) || !seen.Add(next)) return null;
            node = next;
            // Another waiter names a task at the same offset; the head (in the struct mutex) does not.
            bool isWaiter = kernel.Memory.TryReadU64(node + taskOffset, out var named, out _) && _tasks!.Contains(named) && !stack.Contains(node);
            if (isWaiter) continue;
            if (!kernel.Memory.TryReadU64(node - waitListOffset, out var owner, out _)) return null;
            owner &= ~MutexFlags;
            return _tasks!.Contains(owner) ? owner : null;
        }
        return null;
    }

    private static ulong Offset(IKernel kernel, string type, string member, ulong fallback) =>
        kernel.Types.FindType(type)?.Resolve() is { } t && t.HasMember(member) ? t.FindMember(member).Offset : fallback;
}
