using DumpScope.Sdk.Memory;
using DumpScope.Sdk.Types;

namespace DumpScope.Sdk.Kernel;

/// <summary>How a walk of a linked structure ended.</summary>
public enum WalkEnd
{
    /// <summary>The list closed normally (back at the head, or NULL for NULL-terminated lists).</summary>
    Completed,
    /// <summary>A node was reached twice: the list loops without returning to its head.</summary>
    Cycle,
    /// <summary>The caller's bound on the number of nodes was reached.</summary>
    BoundReached,
    /// <summary>A link could not be read (excluded page, unmapped address…).</summary>
    Fault,
    /// <summary>A link holds an impossible value (NULL inside a circular list, a non-kernel address).</summary>
    CorruptLink,
    /// <summary>The walk was cancelled.</summary>
    Cancelled,
}

/// <summary>The nodes a walk reached and how it ended: partial results are data, not exceptions.</summary>
/// <typeparam name="T">Node representation (addresses or typed objects).</typeparam>
public sealed class WalkResult<T>
{
    /// <summary>Creates a result.</summary>
    public WalkResult(IReadOnlyList<T> items, WalkEnd end, string? problem)
    {
        Items = items;
        End = end;
        Problem = problem;
    }

    /// <summary>The nodes reached, in order.</summary>
    public IReadOnlyList<T> Items { get; }

    /// <summary>How the walk ended.</summary>
    public WalkEnd End { get; }

    /// <summary>A message when the walk did not complete normally.</summary>
    public string? Problem { get; }

    /// <summary>True when the walk completed normally.</summary>
    public bool IsComplete => End == WalkEnd.Completed;

    /// <summary>The same walk with nodes mapped to another form.</summary>
    public WalkResult<TOut> Select<TOut>(Func<T, TOut> map) => new(Items.Select(map).ToArray(), End, Problem);
}

/// <summary>Bounded, cycle-aware walkers of the kernel's linked structures.</summary>
public static class Walkers
{
    /// <summary>
    /// Walks a circular <c>struct list_head</c> starting at <paramref name="head"/> (the head itself is not
    /// returned), following <c>next</c> (offset 0). Returns the addresses of the list_head nodes.
    /// </summary>
    public static WalkResult<ulong> ListHead(IKernelMemory memory, ulong head, int bound, CancellationToken cancellation = default)
    {
        var nodes = new List<ulong>();
        var seen = new HashSet<ulong>();
        if (!memory.TryReadU64(head, out var next, out var fault))
            return new(nodes, WalkEnd.Fault, $"list head {head:x}: {fault!.Message}");
        ulong current = head;
        while (next != head)
        {
            if (cancellation.IsCancellationRequested) return new(nodes, WalkEnd.Cancelled, "cancelled");
            if (next == 0 || !IsKernelAddress(next))
                return new(nodes, WalkEnd.CorruptLink, $"list node {current:x}: next pointer {next:x} is not a kernel address");
            if (!seen.Add(next))
                return new(nodes, WalkEnd.Cycle, $"list node {current:x}: next pointer {next:x} loops back into the list without reaching its head {head:x}");
            if (nodes.Count >= bound)
                return new(nodes, WalkEnd.BoundReached, $"list at {head:x}: stopped after {bound} nodes");
            nodes.Add(next);
            current = next;
            if (!memory.TryReadU64(current, out next, out fault))
                return new(nodes, WalkEnd.Fault, $"list node {current:x}: {fault!.Message}");
        }
        return new(nodes, WalkEnd.Completed, null);
    }

    /// <summary>
    /// The kernel's list_for_each_entry: the containing objects of type <paramref name="typeName"/> linked
    /// through member <paramref name="memberPath"/>, from the list head at <paramref name="head"/>.
    /// </summary>
    public static WalkResult<KernelObject> ListForEachEntry(this IKernel kernel, ulong head, string typeName, string memberPath, int bound, CancellationToken cancellation = default)
    {
        var type = kernel.Types.Require(typeName);
        ulong offset = type.Resolve().FindMember(memberPath).Offset;
        return ListHead(kernel.Memory, head, bound, cancellation).Select(node => new KernelObject(kernel, type, node - offset));
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
            if (!IsKernelAddress(current))
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

    /// <summary>Walks an <c>hlist_head</c> at <paramref name="head"/>: hlist_node addresses until NULL.</summary>
    public static WalkResult<ulong> HList(IKernelMemory memory, ulong head, int bound, CancellationToken cancellation = default)
    {
        if (!memory.TryReadU64(head, out var first, out var fault))
            return new([], WalkEnd.Fault, $"hlist head {head:x}: {fault!.Message}");
        return NullTerminated(memory, first, 0, bound, null, cancellation);
    }

    /// <summary>True for a canonical x86-64 kernel-half address (the upper 17 bits set).</summary>
    public static bool IsKernelAddress(ulong address) => address >= 0xffff_8000_0000_0000UL;
}
