namespace DumpScope.Sdk.Linux.RbTree;

/// <summary>A node of a red-black tree and where it sits: "root", "root/l", "root/l/r"… (crash's <c>tree -p</c> notation).</summary>
/// <param name="Node">The <c>struct rb_node</c>'s address.</param>
/// <param name="Path">The way down from the root: one <c>l</c> or <c>r</c> per level.</param>
public readonly record struct RbNodePosition(ulong Node, string Path);
