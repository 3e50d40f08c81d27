using DumpScope.Plugins.Tasks.Layout;
using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Memory;
using DumpScope.Sdk.Types;

namespace DumpScope.Plugins.Tasks.Walking;

/// <summary>
/// Walks every present entry of an XArray (<c>struct xarray</c>, 4.20+) or of the radix tree it replaced
/// (<c>struct radix_tree_root</c>), generically: the root word is an entry or a tagged node pointer; a node
/// has <c>shift</c> and <c>slots[XA_CHUNK_SIZE]</c>; children of a node with shift s have shift s - chunk bits,
/// and slot i of a node covers indices base + (i &lt;&lt; shift).
/// Tagging: XArray internal entries have (entry &amp; 3) == 2; nodes are internal entries above 4096, the rest
/// (siblings below 256, retry, zero) carry no data. Radix trees before 4.20 tag nodes with (entry &amp; 3) == 1,
/// and a tagged pointer into the node's own slots is a sibling.
/// Bounded (entries and nodes), cycle-aware (a node reached twice is not walked again) and fault-tolerant:
/// a node that cannot be read or has an impossible shift is skipped and the walk goes on; the result's
/// <see cref="WalkResult{T}.End"/> and <see cref="WalkResult{T}.Problem"/> describe the first such problem.
/// </summary>
public static class XArrayWalker
{
    private const int MaxNodes = 1 << 20;

    /// <summary>Walks the tree whose root (<paramref name="rootType"/>, an xarray or radix_tree_root) is at <paramref name="rootAddress"/>.</summary>
    public static WalkResult<XArrayEntry> Walk(IKernel kernel, ulong rootAddress, KernelType rootType, int bound, CancellationToken cancellation = default)
    {
        var items = new List<XArrayEntry>();
        bool xarray;
        KernelType nodeType;
        int headOffset;
        if (FieldSpec.FindScalar(rootType, "xa_head") is { } xaHead)
        {
            xarray = true;
            headOffset = xaHead.Offset;
            nodeType = kernel.Types.Require("struct xa_node");
        }
        else if (rootType.Resolve().TryFindMember("rnode", out var rnode) && rnode.Type.Resolve() is { Kind: TypeKind.Pointer, Target: { } target })
        {
            xarray = false;
            headOffset = (int)rnode.Offset;
            nodeType = target;
        }
        else throw new TypeNotFoundException($"{rootType.DisplayName} is neither an xarray (xa_head) nor a radix tree root (rnode)");

        var shiftField = FieldSpec.RequireScalar(nodeType, "shift");
        if (!nodeType.Resolve().TryFindMember("slots", out var slots) || slots.Type.Resolve() is not { Kind: TypeKind.Array, ArrayLength: > 1 and <= 256 } slotArray)
            throw new TypeNotFoundException($"{nodeType.DisplayName} has no slots[] array");
        int chunk = (int)slotArray.ArrayLength;
        int chunkShift = System.Numerics.BitOperations.Log2((uint)chunk);
        if (1 << chunkShift != chunk) throw new InvalidDataException($"{nodeType.DisplayName}.slots has {chunk} entries, not a power of two");
        int slotsOffset = (int)slots.Offset;
        int nodeLength = Math.Max(shiftField.End, slotsOffset + chunk * 8);
        ulong nodeTag = xarray ? 2UL : 1UL;

        var end = WalkEnd.Completed;
        string? problem = null;
        void Problem(WalkEnd kind, string text)
        {
            if (problem is not null) return;
            end = kind;
            problem = text;
        }

        if (!kernel.Memory.TryReadU64(rootAddress + (ulong)headOffset, out var head, out var headFault))
            return new WalkResult<XArrayEntry>(items, WalkEnd.Fault, $"{rootType.DisplayName} at {rootAddress:x}: {headFault!.Message}");
        if (head == 0) return new WalkResult<XArrayEntry>(items, WalkEnd.Completed, null);
        if ((head & 3) != nodeTag || xarray && head <= 4096)
        {
            if (!(xarray && (head & 3) == 2)) items.Add(new XArrayEntry(0, head));
            return new WalkResult<XArrayEntry>(items, WalkEnd.Completed, null);
        }

        var visited = new HashSet<ulong>();
        var stack = new Stack<(ulong Node, ulong Base, int ExpectedShift)>();
        stack.Push((head - nodeTag, 0, -1));
        while (stack.Count > 0)
        {
            if (cancellation.IsCancellationRequested) return new WalkResult<XArrayEntry>(items, WalkEnd.Cancelled, "cancelled");
            var (node, baseIndex, expected) = stack.Pop();
            if (!Walkers.IsKernelAddress(node)) { Problem(WalkEnd.CorruptLink, $"node pointer {node:x} is not a kernel address"); continue; }
            if (!visited.Add(node)) { Problem(WalkEnd.Cycle, $"node {node:x} reached twice (a cycle)"); continue; }
            if (visited.Count > MaxNodes) { Problem(WalkEnd.BoundReached, $"stopped after {MaxNodes} nodes"); break; }
            var bytes = ObjectBytes.Read(kernel.Memory, node, nodeLength, nodeType.DisplayName.Replace("struct ", ""), kernel.PageSize);
            if (!bytes.TryUnsigned(shiftField, out var shiftValue, out var why)) { Problem(WalkEnd.Fault, $"node {node:x}: {why}"); continue; }
            int shift = (int)shiftValue;
            if (shift % chunkShift != 0 || shift >= 64 || expected >= 0 && shift != expected)
            {
                Problem(WalkEnd.CorruptLink, $"node {node:x}: shift {shift} is impossible{(expected >= 0 ? $" (expected {expected})" : "")}");
                continue;
            }
            ulong slotsStart = node + (ulong)slotsOffset, slotsEnd = slotsStart + (ulong)chunk * 8;
            var children = new List<(ulong, ulong)>();
            for (int i = 0; i < chunk; i++)
            {
                if (!bytes.TryU64(slotsOffset + i * 8, out var entry, out why)) { Problem(WalkEnd.Fault, $"node {node:x} slot {i}: {why}"); continue; }
                if (entry == 0) continue;
                ulong index = baseIndex + ((ulong)i << shift);
                bool isNode = xarray ? (entry & 3) == 2 && entry > 4096 : (entry & 3) == 1 && !(entry >= slotsStart && entry < slotsEnd);
                bool isOtherInternal = xarray ? (entry & 3) == 2 && entry <= 4096 : (entry & 3) == 1;
                if (isNode)
                {
                    if (shift == 0) { Problem(WalkEnd.CorruptLink, $"node {node:x} slot {i}: a node pointer at shift 0"); continue; }
                    children.Add((entry - nodeTag, index));
                }
                else if (!isOtherInternal)
                {
                    if (items.Count >= bound) return new WalkResult<XArrayEntry>(items, WalkEnd.BoundReached, $"stopped after {bound} entries");
                    items.Add(new XArrayEntry(index, entry));
                }
            }
            for (int c = children.Count - 1; c >= 0; c--) stack.Push((children[c].Item1, children[c].Item2, shift - chunkShift));
        }
        // Leaves come out node by node; callers expect index order.
        items.Sort((a, b) => a.Index.CompareTo(b.Index));
        return new WalkResult<XArrayEntry>(items, end, problem);
    }
}
