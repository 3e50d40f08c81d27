namespace DumpScope.Plugins.Tasks.Commands;

/// <summary>The process-tree table shared by <c>ps --tree</c> and <c>pstree</c>.</summary>
internal static class PsTree
{
    public static void Render(CommandResult result, TaskTable table, IReadOnlyCollection<TaskInfo>? roots, Func<TaskInfo, bool> keep)
    {
        var block = result.Add(new TableBlock(
            PsFormat.Marks, new Column("PID", CellKind.Integer), new Column("PPID", CellKind.Integer), new Column("TASK", CellKind.Address),
            new Column("ST", CellKind.Enum), new Column("COMM", Key: "tree") { Use = ColumnUse.Text },
            new Column("DEPTH", CellKind.Integer) { Use = ColumnUse.Data }, new Column("COMM") { Use = ColumnUse.Data }));
        foreach (var line in ProcessTree.Build(table, roots))
        {
            var task = line.Task;
            if (!keep(task)) continue;
            var name = task.Comm is { } comm && !task.IsGroupLeader && task.Pid != 0 ? Cell.Text(line.Prefix + "{" + comm + "}") : PsFormat.Comm(task, line.Prefix);
            var row = block.AddRow(PsFormat.Marker(table, task), PsFormat.Pid(task), PsFormat.ParentPid(table, task), Cell.Address(task.Address),
                PsFormat.State(task), name, Cell.Int(line.Depth), PsFormat.Comm(task));
            row.Problem = PsFormat.Problems(task, line.Problem);
            row.WithTaskTargets(task);
        }
    }
}
