namespace DumpScope.Sdk.Linux.RbTree;

/// <summary>
/// Red-black trees (include/linux/rbtree.h, lib/rbtree.c): <c>struct rb_root</c> holds <c>rb_node</c>; a
/// <c>struct rb_node</c> is <c>__rb_parent_color</c>, <c>rb_right</c>, <c>rb_left</c> (offsets probed, the kernel's
/// order as the default). Walks follow the child pointers with an explicit stack, so they are bounded and
/// cycle-aware and a damaged subtree costs only itself.
/// </summary>
public static class RbTrees
{
    /// <summary>rb_first: the leftmost node of the tree whose <c>struct rb_root</c> is at <paramref name="root"/>, or 0 when empty.</summary>
    public static ulong RbFirst(IKernel kernel, ulong root)
    {
        var (_, left) = Offsets(kernel);
        ulong node = kernel.Memory.ReadU64(root, "rb_root");
        for (int depth = 0; node != 0; depth++)
        {
            if (depth > 128) throw new InvalidDataException($"rb-tree at {root:x} is deeper than 128 levels (a cycle?)");
            ulong next = kernel.Memory.ReadU64(node + left, "rb_node");
            if (next == 0) return node;
            node = next;
        }
        return 0;
    }

    /// <summary>
    /// rb_next: the in-order successor of <paramref name="node"/> (through the right subtree, else the first ancestor
    /// reached from its left), or 0 after the last.
    /// </summary>
    public static ulong RbNext(IKernel kernel, ulong node)
    {
        var (right, left) = Offsets(kernel);
        ulong child = kernel.Memory.ReadU64(node + right, "rb_node");
        int depth = 0;
        if (child != 0)
        {
            node = child;
            while ((child = kernel.Memory.ReadU64(node + left, "rb_node")) != 0)
            {
                if (++depth > 128) throw new InvalidDataException($"rb-tree below {node:x} is deeper than 128 levels (a cycle?)");
                node = child;
            }
            return node;
        }
        while (true)
        {
            ulong parent = kernel.Memory.ReadU64(node, "rb_node") & ~3UL;
            if (parent == 0) return 0;
            if (kernel.Memory.ReadU64(parent + right, "rb_node") != node) return parent;
            if (++depth > 128) throw new InvalidDataException($"rb-tree above {node:x} is deeper than 128 levels (a cycle?)");
            node = parent;
        }
    }

    /// <summary>
    /// The nodes of the tree whose <c>struct rb_root</c> is at <paramref name="root"/> in order (rb_first, rb_next, …),
    /// at most <paramref name="bound"/>; a node reached twice or a child that cannot be read ends that branch and is reported.
    /// </summary>
    public static WalkResult<ulong> RbForEach(IKernel kernel, ulong root, int bound, CancellationToken cancellation = default) =>
        Walk(kernel, root, bound, postorder: false, cancellation);

    /// <summary>
    /// rbtree_postorder_for_each_entry's order: children before their parent (left subtree, right subtree, node), the
    /// order in which a tree can be freed.
    /// </summary>
    public static WalkResult<ulong> RbtreePostorder(IKernel kernel, ulong root, int bound, CancellationToken cancellation = default) =>
        Walk(kernel, root, bound, postorder: true, cancellation);

    /// <summary>
    /// The nodes with their positions, in order (<paramref name="preorder"/> false: left subtree, node, right subtree)
    /// or in preorder (node, left subtree, right subtree: crash's <c>tree</c> default). Bounded like
    /// <see cref="RbForEach"/>; a branch deeper than <see cref="MaxDepth"/> levels is cut and reported (a balanced tree of
    /// 2^32 nodes is 64 levels deep at most).
    /// </summary>
    public static WalkResult<RbNodePosition> RbWalkWithPositions(IKernel kernel, ulong root, int bound, bool preorder, CancellationToken cancellation = default)
    {
        var (right, left) = Offsets(kernel);
        var nodes = new List<RbNodePosition>();
        var problems = new FirstWalkProblem();
        if (!kernel.Memory.TryReadU64(root, out var top, out var fault))
            return new(nodes, WalkEnd.Fault, $"rb_root {root:x}: {fault!.Message}");
        var seen = new HashSet<ulong>();
        var stack = new Stack<(ulong Node, string Path, bool Expanded)>();
        if (top != 0) stack.Push((top, "root", false));
        while (stack.Count > 0)
        {
            if (cancellation.IsCancellationRequested) return new(nodes, WalkEnd.Cancelled, "cancelled");
            var (node, path, expanded) = stack.Pop();
            if (expanded)
            {
                if (nodes.Count >= bound) return new(nodes, WalkEnd.BoundReached, $"rb-tree at {root:x}: stopped after {bound} nodes");
                nodes.Add(new RbNodePosition(node, path));
                continue;
            }
            if (!KernelAddress.IsKernel(node)) { problems.Record(WalkEnd.CorruptLink, $"rb_node pointer {node:x} at {path} is not a kernel address"); continue; }
            if (!seen.Add(node)) { problems.Record(WalkEnd.Cycle, $"rb_node {node:x} reached twice (a cycle), at {path}"); continue; }
            if ((path.Length - 4) / 2 >= MaxDepth) { problems.Record(WalkEnd.CorruptLink, $"rb_node {node:x}: deeper than {MaxDepth} levels"); continue; }
            ulong? l = Child(node + left), r = Child(node + right);
            // Pushed in reverse of the visiting order.
            if (r is { } rn) stack.Push((rn, path + "/r", false));
            if (!preorder) stack.Push((node, path, true));
            if (l is { } ln) stack.Push((ln, path + "/l", false));
            if (preorder) stack.Push((node, path, true));
        }
        return problems.Result(nodes);

        ulong? Child(ulong at)
        {
            if (kernel.Memory.TryReadU64(at, out var child, out var f)) return child == 0 ? null : child;
            problems.Record(WalkEnd.Fault, $"rb_node {at:x}: {f!.Message}");
            return null;
        }
    }

    /// <summary>Deepest level <see cref="RbWalkWithPositions"/> descends to.</summary>
    public const int MaxDepth = 128;

    /// <summary>The objects of type <paramref name="typeName"/> whose rb_node member <paramref name="memberPath"/> is in the tree, in order.</summary>
    public static WalkResult<KernelObject> RbForEachEntry(IKernel kernel, ulong root, string typeName, string memberPath, int bound, CancellationToken cancellation = default)
    {
        var type = kernel.Types.Require(typeName);
        ulong offset = type.FindMember(memberPath).Offset;
        return RbForEach(kernel, root, bound, cancellation).Select(n => new KernelObject(kernel, type, n - offset));
    }

    private static WalkResult<ulong> Walk(IKernel kernel, ulong root, int bound, bool postorder, CancellationToken cancellation)
    {
        var (right, left) = Offsets(kernel);
        var nodes = new List<ulong>();
        var problems = new FirstWalkProblem();
        if (!kernel.Memory.TryReadU64(root, out var top, out var fault))
            return new(nodes, WalkEnd.Fault, $"rb_root {root:x}: {fault!.Message}");
        var seen = new HashSet<ulong>();
        // (node, expanded): a node is emitted in order after its left subtree, in postorder after both subtrees.
        var stack = new Stack<(ulong Node, bool Expanded)>();
        if (top != 0) stack.Push((top, false));
        while (stack.Count > 0)
        {
            if (cancellation.IsCancellationRequested) return new(nodes, WalkEnd.Cancelled, "cancelled");
            var (node, expanded) = stack.Pop();
            if (expanded)
            {
                if (nodes.Count >= bound) return new(nodes, WalkEnd.BoundReached, $"rb-tree at {root:x}: stopped after {bound} nodes");
                nodes.Add(node);
                if (!postorder && Child(node + right) is { } r) stack.Push((r, false));
                continue;
            }
            if (!KernelAddress.IsKernel(node)) { problems.Record(WalkEnd.CorruptLink, $"rb_node pointer {node:x} is not a kernel address"); continue; }
            if (!seen.Add(node)) { problems.Record(WalkEnd.Cycle, $"rb_node {node:x} reached twice (a cycle)"); continue; }
            stack.Push((node, true));
            if (postorder && Child(node + right) is { } pr) stack.Push((pr, false));
            if (Child(node + left) is { } l) stack.Push((l, false));
        }
        return problems.Result(nodes);

        ulong? Child(ulong at)
        {
            if (kernel.Memory.TryReadU64(at, out var child, out var f)) return child == 0 ? null : child;
            problems.Record(WalkEnd.Fault, $"rb_node {at:x}: {f!.Message}");
            return null;
        }
    }

    private static (ulong Right, ulong Left) Offsets(IKernel kernel) =>
        kernel.Types.TryParse("struct rb_node") is { IsAggregate: true } node && node.TryFindMember("rb_right", out var r) && node.TryFindMember("rb_left", out var l)
            ? (r.Offset, l.Offset)
            : (8, 16);
}
