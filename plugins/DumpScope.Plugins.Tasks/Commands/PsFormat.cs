namespace DumpScope.Plugins.Tasks.Commands;

/// <summary>Cells shared by ps, ps --tree and task: crash's conventions (kernel threads in brackets, 2-letter states).</summary>
internal static class PsFormat
{
    /// <summary>The marker column: "&gt;" running on a CPU, "*&gt;" the panicking task.</summary>
    public static readonly Column Marks = new("", CellKind.Text, "active");

    public static Cell Marker(TaskTable table, TaskInfo task) =>
        Cell.Text(table.IsPanicking(task) ? "*>" : table.ActiveCpu(task) is not null ? ">" : "");

    public static Cell Pid(TaskInfo task) => task.Pid is { } pid ? Cell.Int(pid) : Cell.Unreadable(task.WhyUnreadable("pid") ?? "pid unknown", CellKind.Integer);

    public static Cell ParentPid(TaskTable table, TaskInfo task)
    {
        if (table.ParentPid(task) is { } ppid) return Cell.Int(ppid);
        if (task.RealParent is null) return Cell.Unreadable(task.WhyUnreadable("real_parent") ?? "real_parent unknown", CellKind.Integer);
        return Cell.Corrupt($"real_parent {task.RealParent:x} is not a listed task", CellKind.Integer);
    }

    public static Cell Cpu(TaskInfo task) => task.Cpu is { } cpu ? Cell.Int(cpu) : task.WhyUnreadable("cpu") is { } why
        ? Cell.Unreadable(why, CellKind.Integer) : Cell.NotAvailable("no cpu member", CellKind.Integer);

    public static Cell State(TaskInfo task) => task.State is { } state ? Cell.Enum(state.Code) : Cell.Unreadable(task.WhyUnreadable("state") ?? "state unknown", CellKind.Enum);

    public static Cell Comm(TaskInfo task, string prefix = "")
    {
        if (task.Comm is not { } comm) return Cell.Unreadable(task.WhyUnreadable("comm") ?? "comm unknown");
        return Cell.Text(prefix + (task.IsKernelThread ? $"[{comm}]" : comm));
    }

    /// <summary>Adds the usual navigation targets of a task row.</summary>
    public static TableRow WithTaskTargets(this TableRow row, TaskInfo task)
    {
        row.WithTarget("task", $"task {task.Address:x}");
        row.WithTarget("struct task_struct", $"struct task_struct {task.Address:x}");
        return row;
    }

    /// <summary>The problems of a task (and extra ones) as one row problem, or null.</summary>
    public static string? Problems(TaskInfo task, string? extra)
    {
        // ps asks for each of 100,000 rows, nearly all without problems: no array for them.
        if (task.Problems.Count == 0 && extra is null) return null;
        return Problems(task, [extra]);
    }

    /// <summary>The problems of a task (and extra ones) as one row problem, or null.</summary>
    public static string? Problems(TaskInfo task, params string?[] extra)
    {
        if (task.Problems.Count == 0 && Array.TrueForAll(extra, e => e is null)) return null;
        var all = task.Problems.Concat(extra.OfType<string>()).Distinct().ToArray();
        return all.Length == 0 ? null : string.Join("; ", all);
    }

    /// <summary>The legend printed under ps tables.</summary>
    public static TextBlock Legend(TaskTable table)
    {
        var lines = new List<string> { "> running on its CPU (runqueues[cpu].curr)   *> the panicking task" };
        if (table.PanicTask is { } panic && table.ByAddress(panic) is { } task)
            lines.Add($"panic: CPU {table.PanicCpu}, pid {task.Pid?.ToString() ?? "?"} ({task.Comm ?? "?"}) at {panic:x}");
        else if (table.PanicNote is { } note)
            lines.Add($"panic: {note}");
        return new TextBlock(lines);
    }
}
