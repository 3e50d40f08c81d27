using System.Buffers.Binary;
using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Linux;
using DumpScope.Sdk.Linux.Objects;
using DumpScope.Sdk.Types;

namespace DumpScope.Plugins.Memory.Tasks;

/// <summary>
/// A generic, bounded walk of a kernel maple tree (lib/maple_tree.c, 6.1+), returning every non-NULL entry with
/// its index range. Facts relied on: <c>ma_root</c> is an encoded node pointer when it is an internal entry
/// (low two bits 0b10) above 4096; the node is at the pointer with its low 8 bits cleared and the node type in
/// bits 3-6 (<c>enum maple_type</c>: dense, leaf_64, range_64, arange_64, numbered from BTF). <c>maple_range_64</c>
/// (leaves and range nodes) and <c>maple_arange_64</c> hold pivots (each slot's last index) and slots; the number
/// of used slots is the metadata <c>end</c> when the last pivot is 0, else all (ma_data_end). Slot i covers
/// (pivot[i-1], pivot[i]]; the last used slot ends at the node's maximum. Ranges are checked to increase and to
/// stay inside the parent's range; a node whose parent points to itself is dead. Depth and node count are bounded.
/// </summary>
public sealed class MapleTree
{
    /// <summary>Deepest tree walked (a maple tree of 64-bit indices is at most ~32 levels).</summary>
    public const int MaxDepth = 32;

    private readonly IKernel _kernel;
    private readonly long _dense, _leaf64, _range64, _arange64;
    private readonly NodeLayout _range, _arange;
    private readonly int _nodeSize;

    private sealed record NodeLayout(int Pivots, int PivotOffset, int Slots, int SlotOffset, int MetaEndOffset);

    /// <summary>Reads the node layouts from BTF; throws <see cref="TypeNotFoundException"/> when the kernel has no maple tree.</summary>
    public MapleTree(IKernel kernel)
    {
        _kernel = kernel;
        var types = kernel.Types;
        var mapleType = types.Require("enum maple_type").Resolve();
        long Value(string name) => mapleType.Enumerators.FirstOrDefault(e => e.Name == name) is { Name: not null } e
            ? e.Value : throw new TypeNotFoundException($"enum maple_type has no {name}");
        _dense = Value("maple_dense");
        _leaf64 = Value("maple_leaf_64");
        _range64 = Value("maple_range_64");
        _arange64 = Value("maple_arange_64");
        _range = Layout(types.Require("struct maple_range_64").Resolve());
        _arange = Layout(types.Require("struct maple_arange_64").Resolve());
        _nodeSize = (int)types.Require("struct maple_node").Size;
    }

    private static NodeLayout Layout(KernelType node)
    {
        var pivot = node.FindMember("pivot");
        var slot = node.FindMember("slot");
        var meta = node.FindMember("meta.end");
        return new NodeLayout((int)pivot.Type.Resolve().ArrayLength, (int)pivot.Offset, (int)slot.Type.Resolve().ArrayLength, (int)slot.Offset, (int)meta.Offset);
    }

    /// <summary>The entries of the tree at <paramref name="treeAddress"/> (a <c>struct maple_tree</c>), in index order.</summary>
    public WalkResult<MapleEntry> Entries(ulong treeAddress, int maxNodes, CancellationToken cancellation = default)
    {
        var entries = new List<MapleEntry>();
        ulong root;
        try
        {
            root = new KernelObject(_kernel, _kernel.Types.Require("struct maple_tree"), treeAddress)["ma_root"].ReadPointer();
        }
        catch (Sdk.Memory.MemoryFaultException e)
        {
            return new(entries, WalkEnd.Fault, $"maple tree {treeAddress:x}: {e.Fault.Message}");
        }
        if (root == 0) return new(entries, WalkEnd.Completed, null);
        if (!IsNode(root))
        {
            // A lone entry is stored in the root for index 0 only.
            entries.Add(new MapleEntry(0, 0, root));
            return new(entries, WalkEnd.Completed, null);
        }
        int nodes = 0;
        var (end, problem) = Walk(root, 0, ulong.MaxValue, 0, ref nodes, maxNodes, entries, cancellation);
        return new(entries, end, problem);
    }

    private (WalkEnd, string?) Walk(ulong encoded, ulong min, ulong max, int depth, ref int nodes, int maxNodes, List<MapleEntry> entries, CancellationToken cancellation)
    {
        if (cancellation.IsCancellationRequested) return (WalkEnd.Cancelled, "cancelled");
        if (depth > MaxDepth) return (WalkEnd.CorruptLink, $"maple tree deeper than {MaxDepth} levels at node {encoded:x}");
        if (++nodes > maxNodes) return (WalkEnd.BoundReached, $"stopped after {maxNodes} maple nodes");
        ulong node = encoded & ~0xffUL;
        long type = (long)((encoded >> 3) & 0xf);
        if (!KernelAddress.IsKernel(node)) return (WalkEnd.CorruptLink, $"maple node pointer {encoded:x} is not a kernel address");
        var raw = new byte[_nodeSize];
        var read = _kernel.Memory.ReadVirtual(node, raw);
        if (!read.IsComplete) return (WalkEnd.Fault, $"maple node {node:x}: {read.Fault!.Message}");
        if ((BinaryPrimitives.ReadUInt64LittleEndian(raw) & ~0xffUL) == node) return (WalkEnd.CorruptLink, $"maple node {node:x} is dead (its parent is itself)");
        if (type == _dense) return (WalkEnd.CorruptLink, $"maple node {node:x} is dense, which an address-range tree does not use");
        bool leaf = type == _leaf64;
        NodeLayout layout = type == _arange64 ? _arange : type == _range64 || leaf ? _range : null!;
        if (layout is null) return (WalkEnd.CorruptLink, $"maple node {encoded:x} has unknown type {type}");

        ulong Pivot(int i) => BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(layout.PivotOffset + i * 8));
        ulong Slot(int i) => BinaryPrimitives.ReadUInt64LittleEndian(raw.AsSpan(layout.SlotOffset + i * 8));
        int end;
        if (type == _arange64 || Pivot(layout.Pivots - 1) == 0) end = raw[layout.MetaEndOffset];
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
                    if (!IsNode(slot)) return (WalkEnd.CorruptLink, $"maple node {node:x}: slot {i} holds {slot:x}, not a node");
                    var (childEnd, problem) = Walk(slot, first, last, depth + 1, ref nodes, maxNodes, entries, cancellation);
                    if (childEnd != WalkEnd.Completed) return (childEnd, problem);
                }
            }
            if (last == max) break;
            first = last + 1;
        }
        return (WalkEnd.Completed, null);
    }

    private static bool IsNode(ulong entry) => (entry & 3) == 2 && entry > 4096;
}
