namespace DumpScope.Plugins.Tasks;

/// <summary>
/// The process tree from parent pointers: a process hangs under the group leader of its real_parent, a thread
/// under its group leader (as pstree shows threads). Roots are tasks that are their own parent (init_task)
/// or whose parent is not listed. Cycle-safe: a task is placed once; tasks whose parent chain loops are
/// shown as roots with a problem.
/// </summary>
public static class ProcessTree
{
    /// <summary>The tree in depth-first order, children by pid; when <paramref name="roots"/> is given, only their subtrees.</summary>
    public static IReadOnlyList<TreeLine> Build(TaskTable table, IReadOnlyCollection<TaskInfo>? roots = null)
    {
        var children = new Dictionary<ulong, List<TaskInfo>>();
        var naturalRoots = new List<TaskInfo>();
        foreach (var task in table.Tasks)
        {
            if (TreeParent(table, task) is { } parent)
            {
                if (!children.TryGetValue(parent.Address, out var list)) children[parent.Address] = list = [];
                list.Add(task);
            }
            else naturalRoots.Add(task);
        }
        var lines = new List<TreeLine>();
        var placed = new HashSet<ulong>();
        void Visit(TaskInfo task, int depth, string indent, bool last, string? problem)
        {
            if (!placed.Add(task.Address)) return;
            string branch = depth == 0 ? "" : last ? "`- " : "|- ";
            lines.Add(new TreeLine(task, depth, indent + branch, problem));
            if (!children.TryGetValue(task.Address, out var kids)) return;
            var pending = kids.Where(k => !placed.Contains(k.Address)).ToArray();
            string childIndent = depth == 0 ? "" : indent + (last ? "   " : "|  ");
            for (int i = 0; i < pending.Length; i++) Visit(pending[i], depth + 1, childIndent, i == pending.Length - 1, null);
        }
        foreach (var root in roots ?? naturalRoots) Visit(root, 0, "", true, null);
        if (roots is null)
            foreach (var task in table.Tasks)
                if (!placed.Contains(task.Address)) Visit(task, 0, "", true, "its parent chain loops: shown as a root");
        return lines;
    }

    /// <summary>
    /// Where a task hangs in the tree: a thread under its group leader, a process under its real_parent's group
    /// leader; null for a root.
    /// </summary>
    public static TaskInfo? TreeParent(TaskTable table, TaskInfo task)
    {
        if (!task.IsGroupLeader && task.GroupLeader is { } leader && leader != task.Address && table.ByAddress(leader) is { } groupLeader)
            return groupLeader;
        if (table.Parent(task) is not { } parent) return null;
        if (!parent.IsGroupLeader && parent.GroupLeader is { } parentLeader && table.ByAddress(parentLeader) is { } leaderTask)
            parent = leaderTask;
        return parent.Address == task.Address ? null : parent;
    }
}
