namespace DumpScope.Sdk.Linux.XArray;

/// <summary>
/// The kernel's XArray (<c>struct xarray</c>, lib/xarray.c, 4.20+) and the radix tree it replaced
/// (<c>struct radix_tree_root</c>, commit f8d5d0cc145c "xarray: Add definition of struct xarray" made the radix
/// tree an xarray), read generically: the root word is an entry or a tagged node pointer; a node has
/// <c>shift</c> and <c>slots[XA_CHUNK_SIZE]</c>; slot i of a node with shift s covers indices base + (i &lt;&lt; s)
/// and its children have shift s - chunk bits.
/// Tagging: XArray internal entries have (entry &amp; 3) == 2; nodes are internal entries above 4096, the rest
/// (siblings below 256, retry, zero) carry no data. Radix trees before 4.20 tag nodes with (entry &amp; 3) == 1,
/// and a tagged pointer into the node's own slots is a sibling.
/// </summary>
public static class XArrays
{
    private const int MaxNodes = 1 << 20;

    /// <summary>
    /// xa_for_each: every present entry of the tree whose root (a <c>struct xarray</c> or
    /// <c>struct radix_tree_root</c>) is <paramref name="root"/>, in index order. Bounded (entries and nodes),
    /// cycle-aware (a node reached twice is not walked again) and fault-tolerant: a node that cannot be read or
    /// has an impossible shift is skipped and the walk goes on; <see cref="WalkResult{T}.End"/> and
    /// <see cref="WalkResult{T}.Problem"/> describe the first such problem. Throws
    /// <see cref="TypeNotFoundException"/> when the type is neither.
    /// </summary>
    public static WalkResult<XArrayEntry> XaForEach(KernelObject root, int bound, CancellationToken cancellation = default)
    {
        var kernel = root.Kernel;
        var tree = TreeLayout.Of(root);
        var items = new List<XArrayEntry>();
        var problems = new FirstWalkProblem();

        if (!kernel.Memory.TryReadU64(root.Address + tree.HeadOffset, out var head, out var headFault))
            return new WalkResult<XArrayEntry>(items, WalkEnd.Fault, $"{root.TypeName} at {root.Address:x}: {headFault!.Message}");
        if (head == 0) return new WalkResult<XArrayEntry>(items, WalkEnd.Completed, null);
        if (!tree.IsNode(head, 0, 0))
        {
            if (!tree.IsInternal(head)) items.Add(new XArrayEntry(0, head));
            return new WalkResult<XArrayEntry>(items, WalkEnd.Completed, null);
        }

        var visited = new HashSet<ulong>();
        var stack = new Stack<(ulong Node, ulong Base, int ExpectedShift)>();
        stack.Push((head - tree.NodeTag, 0, -1));
        while (stack.Count > 0)
        {
            if (cancellation.IsCancellationRequested) return new WalkResult<XArrayEntry>(items, WalkEnd.Cancelled, "cancelled");
            var (node, baseIndex, expected) = stack.Pop();
            if (!KernelAddress.IsKernel(node)) { problems.Record(WalkEnd.CorruptLink, $"node pointer {node:x} is not a kernel address"); continue; }
            if (!visited.Add(node)) { problems.Record(WalkEnd.Cycle, $"node {node:x} reached twice (a cycle)"); continue; }
            if (visited.Count > MaxNodes) { problems.Record(WalkEnd.BoundReached, $"stopped after {MaxNodes} nodes"); break; }
            var read = tree.ReadNode(node, out var shift);
            if (read is not null)
            {
                problems.Record(read.Value.Kind, read.Value.Text);
                continue;
            }
            if (expected >= 0 && shift != expected)
            {
                problems.Record(WalkEnd.CorruptLink, $"node {node:x}: shift {shift} is impossible (expected {expected})");
                continue;
            }
            var children = new List<(ulong, ulong)>();
            for (int i = 0; i < tree.Chunk; i++)
            {
                if (!tree.Slot(node, i, out var entry, out var why)) { problems.Record(WalkEnd.Fault, $"node {node:x} slot {i}: {why}"); continue; }
                if (entry == 0) continue;
                ulong index = baseIndex + ((ulong)i << shift);
                if (tree.IsNode(entry, node, shift))
                {
                    if (shift == 0) { problems.Record(WalkEnd.CorruptLink, $"node {node:x} slot {i}: a node pointer at shift 0"); continue; }
                    children.Add((entry - tree.NodeTag, index));
                }
                else if (!tree.IsInternal(entry))
                {
                    if (items.Count >= bound) return new WalkResult<XArrayEntry>(items, WalkEnd.BoundReached, $"stopped after {bound} entries");
                    items.Add(new XArrayEntry(index, entry));
                }
            }
            for (int c = children.Count - 1; c >= 0; c--) stack.Push((children[c].Item1, children[c].Item2, shift - tree.ChunkShift));
        }
        // Leaves come out node by node; callers expect index order.
        items.Sort((a, b) => a.Index.CompareTo(b.Index));
        return problems.Result(items);
    }

    /// <summary>
    /// xa_load (radix_tree_lookup before 4.20): the entry stored at <paramref name="index"/> of the tree rooted at
    /// <paramref name="root"/>, or 0 when none. A sibling slot yields the multi-index entry it points to. Throws
    /// <see cref="MemoryFaultException"/> when a node cannot be read and <see cref="InvalidDataException"/> for an
    /// impossible node.
    /// </summary>
    public static ulong XaLoad(KernelObject root, ulong index)
    {
        var kernel = root.Kernel;
        var tree = TreeLayout.Of(root);
        ulong entry = kernel.Memory.ReadU64(root.Address + tree.HeadOffset);
        if (!tree.IsNode(entry, 0, 0)) return index == 0 && !tree.IsInternal(entry) ? entry : 0;
        for (int depth = 0; depth < 64 / tree.ChunkShift + 1; depth++)
        {
            ulong node = entry - tree.NodeTag;
            if (!KernelAddress.IsKernel(node)) throw new InvalidDataException($"xarray node pointer {node:x} is not a kernel address");
            if (tree.ReadNode(node, out var shift) is { } problem)
                throw problem.Fault is { } f ? new MemoryFaultException(f) : new InvalidDataException(problem.Text);
            // The top node covers indices below 1 << (shift + chunk bits); below it, each level takes its bits.
            if (depth == 0 && shift + tree.ChunkShift < 64 && index >> (shift + tree.ChunkShift) != 0) return 0;
            int offset = (int)((index >> shift) & (ulong)(tree.Chunk - 1));
            entry = tree.RequireSlot(node, offset);
            if (tree.SiblingSlot(entry, node) is { } sibling) entry = tree.RequireSlot(node, sibling);
            if (!tree.IsNode(entry, node, shift)) return tree.IsInternal(entry) ? 0 : entry;
            if (shift == 0) throw new InvalidDataException($"xarray node {node:x}: a node pointer at shift 0");
        }
        throw new InvalidDataException($"xarray at {root.Address:x} is deeper than 64 bits of index");
    }

    /// <summary>
    /// Where entries of the tree at <paramref name="root"/> sit, as crash's <c>tree -p</c> writes it: "root" then the
    /// slot taken in each node on the way down ("root/0/1": slot 0 of the top node, slot 1 of its child). The top node's
    /// shift is read once; the path of an index follows from it (each level takes chunk-shift bits). A tree whose head is
    /// an entry (no node) gives "root"; an unreadable head gives null.
    /// </summary>
    public static Func<ulong, string>? XaPositionOf(KernelObject root)
    {
        var tree = TreeLayout.Of(root);
        if (!root.Kernel.Memory.TryReadU64(root.Address + tree.HeadOffset, out var head, out _)) return null;
        if (!tree.IsNode(head, 0, 0)) return _ => "root";
        if (tree.ReadNode(head - tree.NodeTag, out var top) is not null) return null;
        ulong mask = (ulong)(tree.Chunk - 1);
        int step = tree.ChunkShift;
        return index =>
        {
            var path = new StringBuilder("root");
            for (int shift = top; shift >= 0; shift -= step) path.Append('/').Append((index >> shift) & mask);
            return path.ToString();
        };
    }

    /// <summary>
    /// idr_for_each: the ids and pointers of a <c>struct idr</c> (an xarray or radix tree <c>idr_rt</c>, ids offset by
    /// <c>idr_base</c> since 4.16, commit 6ce711f27500 "idr: Make 1-based IDRs more efficient").
    /// <see cref="XArrayEntry.Index"/> is the id.
    /// </summary>
    public static WalkResult<XArrayEntry> IdrForEach(KernelObject idr, int bound, CancellationToken cancellation = default)
    {
        ulong idBase = IdrBase(idr);
        var walk = XaForEach(idr["idr_rt"], bound, cancellation);
        return idBase == 0 ? walk : walk.Select(e => e with { Index = e.Index + idBase });
    }

    /// <summary>idr_find: the pointer stored for <paramref name="id"/> in the <c>struct idr</c> <paramref name="idr"/>, or 0.</summary>
    public static ulong IdrFind(KernelObject idr, ulong id)
    {
        ulong idBase = IdrBase(idr);
        return id < idBase ? 0 : XaLoad(idr["idr_rt"], id - idBase);
    }

    private static ulong IdrBase(KernelObject idr) => idr.HasMember("idr_base") ? idr["idr_base"].ReadUnsigned() : 0;

    /// <summary>How one tree type is laid out and tagged, probed once per kernel and root type.</summary>
    private sealed class TreeLayout
    {
        private readonly IKernelMemory _memory;
        private readonly ProbedMember _shift;
        private readonly ulong _slotsOffset;
        private readonly int _pageSize;
        private MemorySnapshot? _node;

        private TreeLayout(IKernel kernel, bool xarray, ulong headOffset, StructLayout node)
        {
            _memory = kernel.Memory;
            _pageSize = kernel.PageSize;
            IsXArray = xarray;
            HeadOffset = headOffset;
            NodeType = node;
            _shift = node.RequireScalar("shift");
            var slots = node.Require("slots");
            if (slots.Type.Resolve() is not { Kind: TypeKind.Array, ArrayLength: > 1 and <= 256 } array)
                throw new TypeNotFoundException($"{node.Name} has no slots[] array");
            Chunk = (int)array.ArrayLength;
            ChunkShift = System.Numerics.BitOperations.Log2((uint)Chunk);
            if (1 << ChunkShift != Chunk) throw new InvalidDataException($"{node.Name}.slots has {Chunk} entries, not a power of two");
            _slotsOffset = slots.Offset;
            NodeLength = (int)Math.Max(_shift.End, _slotsOffset + (ulong)Chunk * 8);
        }

        public bool IsXArray { get; }
        public ulong HeadOffset { get; }
        public StructLayout NodeType { get; }
        public int Chunk { get; }
        public int ChunkShift { get; }
        public int NodeLength { get; }
        public ulong NodeTag => IsXArray ? 2UL : 1UL;

        // Not cached across calls: the layout holds the node being read.
        public static TreeLayout Of(KernelObject root)
        {
            var kernel = root.Kernel;
            var type = new StructLayout(root.Type);
            if (type.FindScalar("xa_head") is { } xaHead)
                return new TreeLayout(kernel, true, xaHead.Offset, StructLayout.Probe(kernel, "struct xa_node"));
            if (type.Find("rnode") is { } rnode && rnode.Type.Resolve() is { Kind: TypeKind.Pointer, Target: { } target })
                return new TreeLayout(kernel, false, rnode.Offset, new StructLayout(target));
            throw new TypeNotFoundException($"{root.TypeName} is neither an xarray (xa_head) nor a radix tree root (rnode)");
        }

        /// <summary>Internal entries carry no data: xarray (entry &amp; 3) == 2; radix tree (entry &amp; 3) == 1.</summary>
        public bool IsInternal(ulong entry) => (entry & 3) == NodeTag;

        /// <summary>A node pointer (xarray: internal above 4096; radix tree: tagged, not pointing into <paramref name="parent"/>'s slots).</summary>
        public bool IsNode(ulong entry, ulong parent, int parentShift) =>
            IsXArray ? (entry & 3) == 2 && entry > 4096 : (entry & 3) == 1 && SiblingSlot(entry, parent) is null;

        /// <summary>The slot a sibling entry refers to, or null when <paramref name="entry"/> is not a sibling.</summary>
        public int? SiblingSlot(ulong entry, ulong node)
        {
            if (IsXArray) return (entry & 3) == 2 && entry < 256 && (int)(entry >> 2) < Chunk ? (int)(entry >> 2) : null;
            if (node == 0 || (entry & 3) != 1) return null;
            ulong target = entry - 1, start = node + _slotsOffset, stop = start + (ulong)Chunk * 8;
            return target >= start && target < stop ? (int)((target - start) / 8) : null;
        }

        /// <summary>Reads a node; null when readable (its shift in <paramref name="shift"/>), else the problem.</summary>
        public (WalkEnd Kind, string Text, MemoryFault? Fault)? ReadNode(ulong node, out int shift)
        {
            shift = 0;
            _node = MemorySnapshot.Read(_memory, node, NodeLength, _pageSize, NodeType.Name.Replace("struct ", ""));
            if (_node.TryReadUnsigned(node + _shift.Offset, (int)_shift.Size, out var value) is { } fault)
                return (WalkEnd.Fault, $"node {node:x}: {fault.Message}", fault);
            if (value % (ulong)ChunkShift != 0 || value >= 64) return (WalkEnd.CorruptLink, $"node {node:x}: shift {value} is impossible", null);
            shift = (int)value;
            return null;
        }

        /// <summary>Slot <paramref name="i"/> of the node last read.</summary>
        public bool Slot(ulong node, int i, out ulong entry, out string? why)
        {
            var fault = _node!.TryReadUnsigned(node + _slotsOffset + (ulong)i * 8, 8, out entry);
            why = fault?.Message;
            return fault is null;
        }

        public ulong RequireSlot(ulong node, int i) =>
            Slot(node, i, out var entry, out _) ? entry : throw new MemoryFaultException(_node!.FaultIn(node + _slotsOffset + (ulong)i * 8, 8)!);
    }
}
