using DumpScope.Host.Expressions;
using DumpScope.Sdk.Linux.MapleTree;
using DumpScope.Sdk.Linux.RbTree;
using DumpScope.Sdk.Linux.XArray;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>The trees <c>tree -t</c> walks.</summary>
public enum TreeKind
{
    /// <summary>A red-black tree (<c>struct rb_root</c>).</summary>
    Rbtree,
    /// <summary>A radix tree (<c>struct radix_tree_root</c>, an xarray since 4.20).</summary>
    Radix,
    /// <summary>An XArray (<c>struct xarray</c>).</summary>
    Xarray,
    /// <summary>A maple tree (<c>struct maple_tree</c>, 6.1+).</summary>
    Maple,
}

/// <summary>
/// crash's <c>tree</c>: the entries of a kernel tree, through the Linux helpers' bounded, cycle-aware walkers.
/// For an rbtree the entries are the <c>rb_node</c>s minus <c>-o</c> (the node's offset in its struct), in crash's order:
/// preorder (a node, then its left subtree, then its right), or sorted with <c>-l</c>; for radix trees, XArrays and
/// maple trees the stored pointers in index order. <c>-r</c> says ROOT is a struct holding the root at that offset;
/// <c>-p</c> adds crash's position lines ("position: root/l/r", "index: 5  position: root/0/5").
/// </summary>
[Command("tree", Help = "walk a tree: tree -t rbtree|radix|xarray|maple [-o OFFSET|T.member] [-r OFFSET|T.member] [-s|-S T[.member,…]] [-l] [-p] [--max N] ROOT",
    Examples = ["tree -t xarray ffffffff9e459420  the pointers stored in an xarray (init_pid_ns.idr)",
        "tree -t xarray -s pid.level ffffffff9e459420  with a member of each",
        "tree -t rbtree -o vmap_area.rb_node vmap_area_root  the vmap areas",
        "tree -t maple -p ADDR  a maple tree's entries and their ranges"],
    SeeAlso = ["list", "struct"])]
public sealed class TreeCommand : ICommand
{
    /// <summary>-t: the tree's kind.</summary>
    [Option("-t", Help = "rbtree, radix, xarray or maple", ValueName = "KIND")]
    public TreeKind? Kind { get; set; }

    /// <summary>-o: the rb_node's offset in an entry.</summary>
    [Option("-o", Help = "rbtree: the rb_node's offset in its struct (bytes or T.member)", ValueName = "OFFSET")]
    public string? Offset { get; set; }

    /// <summary>-r: the root's offset in the struct at ROOT.</summary>
    [Option("-r", Help = "ROOT is a struct holding the tree root at this offset (bytes or T.member)", ValueName = "OFFSET")]
    public string? RootOffset { get; set; }

    /// <summary>-s: members of each entry.</summary>
    [Option("-s", Help = "print these members of each entry: T.member[,member…], or T for all", ValueName = "T.member")]
    public string? Members { get; set; }

    /// <summary>-S: members of each entry, read directly (crash's faster -s; shown without gdb's trailing commas).</summary>
    [Option("-S", Help = "like -s, each member on a line without gdb's trailing comma (crash's -S)", ValueName = "T.member")]
    public string? DirectMembers { get; set; }

    /// <summary>-p: positions.</summary>
    [Option("-p", Help = "show each entry's position: rbtree root/l/r…, radix/xarray index and slot path, maple range")]
    public bool Positions { get; set; }

    /// <summary>-l: an rbtree in linear (sorted) order.</summary>
    [Option("-l", Help = "rbtree: in linear order, leftmost first (default: crash's preorder)")]
    public bool Linear { get; set; }

    /// <summary>--max: the entry bound.</summary>
    [Option("--max", Help = "stop after N entries (default 1000000)", Minimum = 1)]
    public int Max { get; set; } = ListCommand.DefaultMax;

    /// <summary>The root.</summary>
    [Argument(0, Name = "ROOT", Required = true, Help = "the tree's root (or, with -r, the struct holding it): hex, symbol or symbol+offset")]
    public string Root { get; set; } = "";

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        if (Kind is not { } kind) throw new UsageException("tree: give the kind with -t rbtree|radix|xarray|maple");
        ulong root = ExpressionEvaluator.EvaluateAddress(kernel, Root) + ListCommand.ParseOffset(kernel, RootOffset).Offset;
        var (offset, offsetType) = ListCommand.ParseOffset(kernel, Offset);
        if (Offset is not null && kind != TreeKind.Rbtree) throw new UsageException("tree: -o applies to rbtrees (the rb_node's offset)");
        if (Members is not null && DirectMembers is not null) throw new UsageException("tree: give -s or -S, not both");
        if (Linear && kind != TreeKind.Rbtree) throw new UsageException("tree: -l applies to rbtrees (radix, xarray and maple trees are in index order)");
        var entries = EntryMembers.Parse(kernel, Members ?? DirectMembers, offsetType, trailingCommas: DirectMembers is null);
        var result = new CommandResult();
        var position = kind switch
        {
            TreeKind.Maple => new[] { new Column("FIRST", CellKind.Hex), new Column("LAST", CellKind.Hex) },
            TreeKind.Rbtree => [],
            _ => [new Column("INDEX", CellKind.Integer)],
        };
        var table = result.Add(entries.NewTable(null, position));
        WalkEnd end;
        string? problem;
        switch (kind)
        {
            case TreeKind.Rbtree:
            {
                var walk = RbTrees.RbWalkWithPositions(kernel, root, Max, preorder: !Linear, context.Cancellation);
                foreach (var (node, path) in walk.Items)
                {
                    var row = entries.AddRow(table, node - offset, []);
                    if (Positions) row.Text = Insert(row.Text!, $"  position: {path}");
                }
                (end, problem) = (walk.End, walk.Problem);
                break;
            }
            case TreeKind.Maple:
            {
                var type = kernel.Types.TryParse("struct maple_tree") ?? throw new UsageException("tree -t maple: this kernel has no struct maple_tree");
                var walk = MapleTrees.MtForEach(new KernelObject(kernel, type, root), Max, context.Cancellation);
                foreach (var e in walk.Items.Take(Max))
                {
                    var row = entries.AddRow(table, e.Entry, [Cell.Hex(e.First), Cell.Hex(e.Last)]);
                    if (Positions) row.Text = Insert(row.Text!, $"  range: {e.First:x}-{e.Last:x}");
                }
                (end, problem) = walk.Items.Count > Max ? (WalkEnd.BoundReached, $"stopped after {Max} entries") : (walk.End, walk.Problem);
                break;
            }
            default:
            {
                var type = kernel.Types.TryParse(kind == TreeKind.Radix ? "struct radix_tree_root" : "struct xarray")
                    ?? kernel.Types.TryParse("struct xarray") ?? kernel.Types.TryParse("struct radix_tree_root")
                    ?? throw new UsageException("tree: this kernel has neither struct xarray nor struct radix_tree_root");
                var tree = new KernelObject(kernel, type, root);
                var walk = XArrays.XaForEach(tree, Max, context.Cancellation);
                var positionOf = Positions ? XArrays.XaPositionOf(tree) : null;
                foreach (var e in walk.Items)
                {
                    var row = entries.AddRow(table, e.Value, [Cell.UInt(e.Index)]);
                    if (Positions) row.Text = Insert(row.Text!, positionOf is null ? $"  index: {e.Index}" : $"  index: {e.Index}  position: {positionOf(e.Index)}");
                }
                (end, problem) = (walk.End, walk.Problem);
                break;
            }
        }
        if (end == WalkEnd.Cancelled) context.Cancellation.ThrowIfCancellationRequested();
        if (problem is not null) result.Warnings.Add($"tree: {ListCommand.Describe(end)}: {problem}");
        return result;
    }

    /// <summary>The row's text with <paramref name="line"/> after its first line (the address), as crash places positions.</summary>
    private static string Insert(string text, string line)
    {
        int newline = text.IndexOf('\n');
        return newline < 0 ? text + "\n" + line : text[..newline] + "\n" + line + text[newline..];
    }
}
