namespace DumpScope.Sdk.Linux.MapleTree;

/// <summary>
/// A generic, bounded walk of a kernel maple tree (lib/maple_tree.c, 6.1+), returning every non-NULL entry with
/// its index range. Facts relied on: <c>ma_root</c> is an encoded node pointer when it is an internal entry
/// (low two bits 0b10, MAPLE_ROOT_NODE) above 4096, and a child in a slot is a node pointer with bits 0-1 clear (bit 2,
/// MAPLE_ENODE_NULL, set); the node is at the pointer with its low 8 bits cleared and the node type in
/// bits 3-6 (<c>enum maple_type</c>: dense, leaf_64, range_64, arange_64, numbered from BTF). <c>maple_range_64</c>
/// (leaves and range nodes) and <c>maple_arange_64</c> hold pivots (each slot's last index) and slots; the number
/// of used slots is the metadata <c>end</c> when the last pivot is 0, else all (ma_data_end). Slot i covers
/// (pivot[i-1], pivot[i]]; the last used slot ends at the node's maximum. Ranges are checked to increase and to
/// stay inside the parent's range; a node whose parent points to itself is dead. Depth and node count are bounded.
/// </summary>
public static class MapleTrees
{
    /// <summary>Deepest tree walked (a maple tree of 64-bit indices is at most ~32 levels).</summary>
    public const int MaxDepth = 32;

    /// <summary>The node layouts of one kernel, probed once.</summary>
    private sealed class Layout
    {
        public Layout(IKernel kernel)
        {
            var types = kernel.Types;
            var mapleType = types.Require("enum maple_type").Resolve();
            long Value(string name) => mapleType.Enumerators.FirstOrDefault(e => e.Name == name) is { Name: not null } e
                ? e.Value : throw new TypeNotFoundException($"enum maple_type has no {name}");
            Dense = Value("maple_dense");
            Leaf64 = Value("maple_leaf_64");
            Range64 = Value("maple_range_64");
            Arange64 = Value("maple_arange_64");
            Range = Node(StructLayout.Probe(kernel, "struct maple_range_64"));
            Arange = Node(StructLayout.Probe(kernel, "struct maple_arange_64"));
            NodeSize = (int)types.Require("struct maple_node").Size;
            Tree = StructLayout.Probe(kernel, "struct maple_tree");
            Root = Tree.RequireScalar("ma_root");
        }

        public long Dense { get; }
        public long Leaf64 { get; }
        public long Range64 { get; }
        public long Arange64 { get; }
        public NodeLayout Range { get; }
        public NodeLayout Arange { get; }
        public int NodeSize { get; }
        public StructLayout Tree { get; }
        public ProbedMember Root { get; }

        private static NodeLayout Node(StructLayout node)
        {
            var pivot = node.Require("pivot");
            var slot = node.Require("slot");
            var meta = node.Require("meta.end");
            return new NodeLayout((int)pivot.Type.Resolve().ArrayLength, (int)pivot.Offset, (int)slot.Type.Resolve().ArrayLength, (int)slot.Offset, (int)meta.Offset);
        }
    }

    private sealed record NodeLayout(int Pivots, int PivotOffset, int Slots, int SlotOffset, int MetaEndOffset);

    /// <summary>
    /// mt_for_each: the entries of the <c>struct maple_tree</c> <paramref name="tree"/>, in index order, visiting at most
    /// <paramref name="maxNodes"/> nodes. Throws <see cref="TypeNotFoundException"/> when the kernel has no maple tree.
    /// </summary>
    public static WalkResult<MapleEntry> MtForEach(KernelObject tree, int maxNodes, CancellationToken cancellation = default)
    {
        var kernel = tree.Kernel;
        var layout = KernelProbes.Get(kernel, k => new Layout(k));
        var entries = new List<MapleEntry>();
        if (!tree.Member(layout.Root).TryReadUnsigned(out var root, out var fault))
            return new(entries, WalkEnd.Fault, $"maple tree {tree.Address:x}: {fault!.Message}");
        if (root == 0) return new(entries, WalkEnd.Completed, null);
        if (!IsNode(root))
        {
            // A lone entry is stored in the root for index 0 only.
            entries.Add(new MapleEntry(0, 0, root));
            return new(entries, WalkEnd.Completed, null);
        }
        int nodes = 0;
        var visited = new HashSet<ulong>();
        var (end, problem) = Walk(kernel, layout, root, 0, ulong.MaxValue, 0, ref nodes, maxNodes, visited, entries, cancellation);
        return new(entries, end, problem);
    }

    private static (WalkEnd, string?) Walk(IKernel kernel, Layout maple, ulong encoded, ulong min, ulong max, int depth, ref int nodes, int maxNodes,
        HashSet<ulong> visited, List<MapleEntry> entries, CancellationToken cancellation)
    {
        if (cancellation.IsCancellationRequested) return (WalkEnd.Cancelled, "cancelled");
        if (depth > MaxDepth) return (WalkEnd.CorruptLink, $"maple tree deeper than {MaxDepth} levels at node {encoded:x}");
        if (++nodes > maxNodes) return (WalkEnd.BoundReached, $"stopped after {maxNodes} maple nodes");
        ulong node = encoded & ~0xffUL;
        long type = (long)((encoded >> 3) & 0xf);
        if (!KernelAddress.IsKernel(node)) return (WalkEnd.CorruptLink, $"maple node pointer {encoded:x} is not a kernel address");
        // A tree shares no nodes: one reached twice is a loop in corrupted memory.
        if (!visited.Add(node)) return (WalkEnd.Cycle, $"maple node {node:x} reached twice (a cycle)");
        var read = MemorySnapshot.Read(kernel.Memory, node, maple.NodeSize, kernel.PageSize);
        if (read.FirstFault is { } fault) return (WalkEnd.Fault, $"maple node {node:x}: {fault.Message}");
        var raw = read.Bytes.ToArray();
        if ((BinaryPrimitives.ReadUInt64LittleEndian(raw) & ~0xffUL) == node) return (WalkEnd.CorruptLink, $"maple node {node:x} is dead (its parent is itself)");
        if (type == maple.Dense) return (WalkEnd.CorruptLink, $"maple node {node:x} is dense, which an address-range tree does not use");
        bool leaf = type == maple.Leaf64;
        NodeLayout layout = type == maple.Arange64 ? maple.Arange : type == maple.Range64 || leaf ? maple.Range : null!;
        if (layout is null) return (WalkEnd.CorruptLink, $"maple node {encoded:x} has unknown type {type}");

        ulong Pivot(int i) => BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(layout.PivotOffset + i * 8));
        ulong Slot(int i) => BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(layout.SlotOffset + i * 8));
        int end;
        if (type == maple.Arange64 || Pivot(layout.Pivots - 1) == 0) end = raw[layout.MetaEndOffset];
        else end = Pivot(layout.Pivots - 1) == max ? layout.Pivots - 1 : layout.Pivots;
        if (end >= layout.Slots) return (WalkEnd.CorruptLink, $"maple node {node:x}: data end {end} beyond its {layout.Slots} slots");

        ulong first = min;
        for (int i = 0; i <= end; i++)
        {
            ulong last = i < layout.Pivots && Pivot(i) != 0 ? Pivot(i) : max;
            if (last < first || last > max) return (WalkEnd.CorruptLink, $"maple node {node:x}: slot {i} range {first:x}-{last:x} is outside {min:x}-{max:x}");
            ulong slot = Slot(i);
            if (slot != 0)
            {
                if (leaf)
                {
                    // Internal values (retry, zero entries) are not stored objects.
                    if ((slot & 3) != 2) entries.Add(new MapleEntry(first, last, slot));
                }
                else
                {
                    if (!IsChild(slot)) return (WalkEnd.CorruptLink, $"maple node {node:x}: slot {i} holds {slot:x}, not a node");
                    var (childEnd, problem) = Walk(kernel, maple, slot, first, last, depth + 1, ref nodes, maxNodes, visited, entries, cancellation);
                    if (childEnd != WalkEnd.Completed) return (childEnd, problem);
                }
            }
            if (last == max) break;
            first = last + 1;
        }
        return (WalkEnd.Completed, null);
    }

    // The root's encoded node carries MAPLE_ROOT_NODE (bit 1, mt_mk_root); a child in a slot is mt_mk_node's form,
    // node | type << 3 | MAPLE_ENODE_NULL (bit 2), with bits 0-1 clear.
    private static bool IsNode(ulong entry) => (entry & 3) == 2 && entry > 4096;

    private static bool IsChild(ulong entry) => (entry & 3) == 0 && KernelAddress.IsKernel(entry & ~0xffUL);
}
