namespace DumpScope.Tui.Model;

/// <summary>One line of a <see cref="MemberTree"/>: a member row, or a nested struct or array that groups rows.</summary>
/// <param name="Row">The row shown: the command's own for a member, a row of the TUI's for a group.</param>
/// <param name="Path">The member path ("se.avg", "pids[0]").</param>
/// <param name="Name">The last step of the path ("avg", "[0]").</param>
/// <param name="Depth">How many groups contain it.</param>
/// <param name="IsGroup">True for a nested struct or array.</param>
internal sealed record MemberEntry(RowModel Row, string Path, string Name, int Depth, bool IsGroup)
{
    /// <summary>Member rows below a group (all levels).</summary>
    public int Members { get; set; }
}

/// <summary>
/// The rows of a struct's value table as a tree: the command lists members depth first with dotted paths
/// ("se.avg.load_sum", "pids[0].node.next"); each path prefix becomes a group that opens and closes. Groups start
/// closed, so a struct opens on its top-level members.
/// </summary>
internal sealed class MemberTree
{
    private readonly List<MemberEntry> _entries;
    private readonly HashSet<string> _open = new(StringComparer.Ordinal);

    private MemberTree(List<MemberEntry> entries) => _entries = entries;

    /// <summary>Every line, open or not, in display order.</summary>
    public IReadOnlyList<MemberEntry> Entries => _entries;

    /// <summary>Builds the tree over <paramref name="rows"/>, whose member path is in column <paramref name="pathColumn"/>.</summary>
    public static MemberTree Build(IReadOnlyList<RowModel> rows, int pathColumn, int columns)
    {
        var entries = new List<MemberEntry>(rows.Count + rows.Count / 4);
        var groups = new Dictionary<string, MemberEntry>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var path = row.Texts[pathColumn];
            var prefixes = Prefixes(path);
            for (var depth = 0; depth < prefixes.Count; depth++)
            {
                var prefix = prefixes[depth];
                if (!groups.TryGetValue(prefix, out var group))
                {
                    var texts = new string[columns];
                    Array.Fill(texts, "");
                    texts[pathColumn] = prefix;
                    group = new MemberEntry(new RowModel(new DumpScope.Sdk.Commands.Cell?[columns], texts, [], null, -1), prefix,
                        LastStep(prefix, depth == 0 ? "" : prefixes[depth - 1]), depth, IsGroup: true);
                    groups.Add(prefix, group);
                    entries.Add(group);
                }
                group.Members++;
            }
            entries.Add(new MemberEntry(row, path, LastStep(path, prefixes.Count == 0 ? "" : prefixes[^1]), prefixes.Count, IsGroup: false));
        }
        return new MemberTree(entries);
    }

    /// <summary>True when the group at <paramref name="path"/> is open.</summary>
    public bool IsOpen(string path) => _open.Contains(path);

    /// <summary>Opens a closed group, closes an open one.</summary>
    public void Toggle(string path)
    {
        if (!_open.Remove(path))
            _open.Add(path);
    }

    /// <summary>Opens (<paramref name="open"/>) or closes every group.</summary>
    public void SetAll(bool open)
    {
        _open.Clear();
        if (open)
            _open.UnionWith(_entries.Where(e => e.IsGroup).Select(e => e.Path));
    }

    /// <summary>The lines shown: everything whose groups are all open.</summary>
    public List<MemberEntry> Visible()
    {
        var visible = new List<MemberEntry>();
        var closedDepth = int.MaxValue;
        foreach (var entry in _entries)
        {
            if (entry.Depth > closedDepth)
                continue;
            closedDepth = int.MaxValue;
            visible.Add(entry);
            if (entry.IsGroup && !_open.Contains(entry.Path))
                closedDepth = entry.Depth;
        }
        return visible;
    }

    /// <summary>How a line's path cell reads in the tree: indented, groups with ▸ / ▾ and their member count.</summary>
    public string Label(MemberEntry entry)
    {
        var indent = new string(' ', entry.Depth * 2);
        if (!entry.IsGroup)
            return indent + "  " + entry.Name;
        return indent + (IsOpen(entry.Path) ? "▾ " : "▸ ") + entry.Name + $" {{{entry.Members}}}";
    }

    /// <summary>The enclosing groups of a member path, outermost first: "pids[0].node" → "pids", "pids[0]".</summary>
    public static List<string> Prefixes(string path)
    {
        var prefixes = new List<string>();
        var brackets = 0;
        for (var i = 1; i < path.Length; i++)
        {
            switch (path[i])
            {
                case '[':
                    if (brackets == 0)
                        prefixes.Add(path[..i]);
                    brackets++;
                    break;
                case ']':
                    brackets = Math.Max(brackets - 1, 0);
                    break;
                case '.' when brackets == 0:
                    prefixes.Add(path[..i]);
                    break;
            }
        }
        return prefixes;
    }

    private static string LastStep(string path, string parent)
    {
        if (parent.Length == 0)
            return path;
        var rest = path[parent.Length..];
        return rest.StartsWith('.') ? rest[1..] : rest;
    }
}
