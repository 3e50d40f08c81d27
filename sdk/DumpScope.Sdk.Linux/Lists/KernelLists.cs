namespace DumpScope.Sdk.Linux.Lists;

/// <summary>
/// Bounded, cycle-aware walks of the kernel's linked lists (include/linux/list.h, llist.h), named after the
/// kernel's iterators. Each returns the nodes it reached and why it stopped (<see cref="WalkResult{T}"/>): a
/// damaged list yields the nodes before the damage, never an exception.
/// </summary>
public static class KernelLists
{
    /// <summary>
    /// list_for_each: walks the circular <c>struct list_head</c> at <paramref name="head"/> (the head itself is not
    /// returned), following <c>next</c> (offset 0). Returns the addresses of the list_head nodes.
    /// </summary>
    public static WalkResult<ulong> ListForEach(IKernelMemory memory, ulong head, int bound, CancellationToken cancellation = default) =>
        Circular(memory, head, 0, bound, cancellation);

    /// <summary>
    /// list_for_each with the loop body inside the walk: <paramref name="visit"/> gets each node as it is reached,
    /// before the node's next pointer is read, so a caller that reads the entry around the node does it while that
    /// page is the one just read (walking the whole list first and reading the entries after re-reads every page on a
    /// list longer than the page cache: 25,000 group leaders). Otherwise as <see cref="ListForEach(IKernelMemory, ulong, int, CancellationToken)"/>;
    /// an exception from <paramref name="visit"/> ends the walk and is the caller's.
    /// </summary>
    public static WalkResult<ulong> ListForEach(IKernelMemory memory, ulong head, int bound, Action<ulong> visit, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(visit);
        return Circular(memory, head, 0, bound, cancellation, visit);
    }

    /// <summary>
    /// list_for_each_prev: the same circular list walked backwards, through <c>prev</c> (offset 8): the nodes from the
    /// last to the first, the head itself not returned.
    /// </summary>
    public static WalkResult<ulong> ListForEachPrev(IKernelMemory memory, ulong head, int bound, CancellationToken cancellation = default) =>
        Circular(memory, head, 8, bound, cancellation);

    /// <summary>
    /// A singly-linked chain of objects whose next pointer, at <c>node + nextOffset</c>, holds the next object's
    /// address (not a list_head's): from <paramref name="first"/> (returned first) until a NULL pointer or a pointer
    /// back to <paramref name="first"/> (such chains are often closed rings). Any other node reached twice is a cycle.
    /// </summary>
    public static WalkResult<ulong> Chain(IKernelMemory memory, ulong first, ulong nextOffset, int bound, CancellationToken cancellation = default)
    {
        var nodes = new List<ulong>();
        var seen = new HashSet<ulong>();
        ulong current = first;
        while (true)
        {
            if (cancellation.IsCancellationRequested) return new(nodes, WalkEnd.Cancelled, "cancelled");
            if (!KernelAddress.IsKernel(current))
                return new(nodes, WalkEnd.CorruptLink, $"link to {current:x} is not a kernel address");
            if (!seen.Add(current))
                return new(nodes, WalkEnd.Cycle, $"node {current:x} reached twice without returning to the first node {first:x} (a cycle)");
            if (nodes.Count >= bound)
                return new(nodes, WalkEnd.BoundReached, $"stopped after {bound} nodes");
            nodes.Add(current);
            if (!memory.TryReadU64(current + nextOffset, out var next, out var fault))
                return new(nodes, WalkEnd.Fault, $"node {current:x}: {fault!.Message}");
            if (next == 0 || next == first) return new(nodes, WalkEnd.Completed, null);
            current = next;
        }
    }

    /// <summary>The circular list at <paramref name="head"/> through the link at <paramref name="link"/> (0 next, 8 prev).</summary>
    private static WalkResult<ulong> Circular(IKernelMemory memory, ulong head, ulong link, int bound, CancellationToken cancellation, Action<ulong>? visit = null)
    {
        var nodes = new List<ulong>();
        var seen = new HashSet<ulong>();
        string name = link == 0 ? "next" : "prev";
        if (!memory.TryReadU64(head + link, out var next, out var fault))
            return new(nodes, WalkEnd.Fault, $"list head {head:x}: {fault!.Message}");
        ulong current = head;
        while (next != head)
        {
            if (cancellation.IsCancellationRequested) return new(nodes, WalkEnd.Cancelled, "cancelled");
            if (next == 0 || !KernelAddress.IsKernel(next))
                return new(nodes, WalkEnd.CorruptLink, $"list node {current:x}: {name} pointer {next:x} is not a kernel address");
            if (!seen.Add(next))
                return new(nodes, WalkEnd.Cycle, $"list node {current:x}: {name} pointer {next:x} loops back into the list without reaching its head {head:x}");
            if (nodes.Count >= bound)
                return new(nodes, WalkEnd.BoundReached, $"list at {head:x}: stopped after {bound} nodes");
            nodes.Add(next);
            current = next;
            visit?.Invoke(current);
            if (!memory.TryReadU64(current + link, out next, out fault))
                return new(nodes, WalkEnd.Fault, $"list node {current:x}: {fault!.Message}");
        }
        return new(nodes, WalkEnd.Completed, null);
    }

    /// <summary>
    /// list_for_each_entry: the objects of type <paramref name="typeName"/> (C type, e.g. "struct task_struct")
    /// linked through their member <paramref name="memberPath"/> (a list_head), from the list head at <paramref name="head"/>.
    /// </summary>
    public static WalkResult<KernelObject> ListForEachEntry(this IKernel kernel, ulong head, string typeName, string memberPath, int bound, CancellationToken cancellation = default)
    {
        var type = kernel.Types.Require(typeName);
        ulong offset = type.Resolve().FindMember(memberPath).Offset;
        return ListForEach(kernel.Memory, head, bound, cancellation).Select(node => new KernelObject(kernel, type, node - offset));
    }

    /// <summary>
    /// Walks a NULL-terminated singly-linked chain from <paramref name="first"/>, reading the next pointer at
    /// <c>node + nextOffset</c>. <paramref name="decode"/> turns a stored value into the next node address
    /// (for hardened freelists); it receives the stored value and the address it was stored at.
    /// </summary>
    public static WalkResult<ulong> NullTerminated(IKernelMemory memory, ulong first, ulong nextOffset, int bound,
        Func<ulong, ulong, ulong>? decode = null, CancellationToken cancellation = default)
    {
        var nodes = new List<ulong>();
        var seen = new HashSet<ulong>();
        ulong current = first;
        while (current != 0)
        {
            if (cancellation.IsCancellationRequested) return new(nodes, WalkEnd.Cancelled, "cancelled");
            if (!KernelAddress.IsKernel(current))
                return new(nodes, WalkEnd.CorruptLink, $"link to {current:x} is not a kernel address");
            if (!seen.Add(current))
                return new(nodes, WalkEnd.Cycle, $"node {current:x} reached twice (cycle)");
            if (nodes.Count >= bound)
                return new(nodes, WalkEnd.BoundReached, $"stopped after {bound} nodes");
            nodes.Add(current);
            ulong at = current + nextOffset;
            if (!memory.TryReadU64(at, out var stored, out var fault))
                return new(nodes, WalkEnd.Fault, $"node {current:x}: {fault!.Message}");
            current = decode is null ? stored : decode(stored, at);
        }
        return new(nodes, WalkEnd.Completed, null);
    }

    /// <summary>hlist_for_each: the <c>struct hlist_node</c> addresses of the <c>struct hlist_head</c> at <paramref name="head"/>, until NULL.</summary>
    public static WalkResult<ulong> HlistForEach(IKernelMemory memory, ulong head, int bound, CancellationToken cancellation = default)
    {
        if (!memory.TryReadU64(head, out var first, out var fault))
            return new([], WalkEnd.Fault, $"hlist head {head:x}: {fault!.Message}");
        return NullTerminated(memory, first, 0, bound, null, cancellation);
    }

    /// <summary>
    /// hlist_nulls_for_each: the <c>struct hlist_nulls_node</c> addresses of the <c>struct hlist_nulls_head</c> at
    /// <paramref name="head"/>. A nulls list ends in an odd "nulls" value instead of NULL (include/linux/list_nulls.h:
    /// the marker carries the bucket number so lock-free readers can tell they drifted into another chain).
    /// </summary>
    public static WalkResult<ulong> HlistNullsForEach(IKernelMemory memory, ulong head, int bound, CancellationToken cancellation = default)
    {
        if (!memory.TryReadU64(head, out var first, out var fault))
            return new([], WalkEnd.Fault, $"hlist_nulls head {head:x}: {fault!.Message}");
        return NullTerminated(memory, IsNulls(first) ? 0 : first, 0, bound, (stored, _) => IsNulls(stored) ? 0 : stored, cancellation);
    }

    /// <summary>is_a_nulls: the end marker of an hlist_nulls chain has its low bit set.</summary>
    public static bool IsNulls(ulong pointer) => (pointer & 1) != 0;

    /// <summary>hlist_for_each_entry: the objects of type <paramref name="typeName"/> linked through their hlist_node member <paramref name="memberPath"/>.</summary>
    public static WalkResult<KernelObject> HlistForEachEntry(this IKernel kernel, ulong head, string typeName, string memberPath, int bound, CancellationToken cancellation = default)
    {
        var type = kernel.Types.Require(typeName);
        ulong offset = type.Resolve().FindMember(memberPath).Offset;
        return HlistForEach(kernel.Memory, head, bound, cancellation).Select(node => new KernelObject(kernel, type, node - offset));
    }

    /// <summary>
    /// llist_for_each: the <c>struct llist_node</c> addresses of the lock-less list whose <c>struct llist_head</c>
    /// is at <paramref name="head"/> (its <c>first</c>, then each node's <c>next</c>, until NULL).
    /// </summary>
    public static WalkResult<ulong> LlistForEach(IKernelMemory memory, ulong head, int bound, CancellationToken cancellation = default)
    {
        if (!memory.TryReadU64(head, out var first, out var fault))
            return new([], WalkEnd.Fault, $"llist head {head:x}: {fault!.Message}");
        return NullTerminated(memory, first, 0, bound, null, cancellation);
    }
}
