namespace DumpScope.Plugins.Tasks.Commands;

/// <summary>crash's <c>ps</c>: one line per task (threads and every CPU's idle task included).</summary>
[Command("ps", Help = "tasks: PID PPID CPU TASK ST %MEM VSZ RSS COMM (ps [-k|-u] [-G] [-A] [-p] [--tree] [PID|TASK|COMMAND]...)",
    Examples = ["ps  every task", "ps -k  kernel threads", "ps -u bash  user tasks named bash", "ps -p 1234  the parents of a pid", "ps --tree  as a tree"], SeeAlso = ["pstree", "task"])]
public sealed class PsCommand(TaskAnalyzer analyzer) : ICommand
{
    /// <summary>Only kernel threads.</summary>
    [Option("-k", Help = "kernel threads only")]
    public bool KernelThreads { get; set; }

    /// <summary>Only user tasks.</summary>
    [Option("-u", Help = "user tasks only")]
    public bool UserTasks { get; set; }

    /// <summary>Only thread group leaders.</summary>
    [Option("-G", Help = "thread group leaders only")]
    public bool GroupLeaders { get; set; }

    /// <summary>Only tasks running on a CPU.</summary>
    [Option("-A", Help = "only the task running on each CPU")]
    public bool ActiveOnly { get; set; }

    /// <summary>The parent chain of each selected task.</summary>
    [Option("-p", Help = "the parent chain of each selected task, from the root")]
    public bool Parents { get; set; }

    /// <summary>The process tree.</summary>
    [Option("--tree", Help = "the process tree (subtrees of the selected tasks when some are given)")]
    public bool Tree { get; set; }

    /// <summary>PIDs, task addresses or command names.</summary>
    [Argument(0, Name = "PID|TASK|COMMAND", Help = "only these tasks")]
    public string[] Filter { get; set; } = [];

    /// <summary>The verb named in messages (pstree runs this command too).</summary>
    internal string Verb { get; init; } = "ps";

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        if (KernelThreads && UserTasks) throw new UsageException("ps: -k and -u exclude each other");
        if (Tree && Parents) throw new UsageException("ps: --tree and -p exclude each other");
        var table = analyzer.Tasks(context.Cancellation);
        var result = new CommandResult();

        IReadOnlyList<TaskInfo> selected = table.Tasks;
        if (Filter.Length > 0)
        {
            var chosen = new List<TaskInfo>();
            foreach (var selector in Filter)
            {
                var matches = analyzer.Select(selector);
                if (matches.Count == 0) result.Warnings.Add($"{Verb}: no task matches '{selector}'");
                foreach (var m in matches)
                    if (!chosen.Contains(m)) chosen.Add(m);
            }
            if (chosen.Count == 0) return CommandResult.Fail($"{Verb}: no task matches {string.Join(", ", Filter)}");
            selected = chosen;
        }
        selected = selected.Where(t => Keep(table, t)).ToArray();

        if (Tree) PsTree.Render(result, table, Filter.Length > 0 ? selected : null, t => Keep(table, t));
        else if (Parents) RenderParents(result, table, selected);
        else RenderList(result, table, selected, context);

        result.Blocks.Add(PsFormat.Legend(table));
        result.Warnings.AddRange(table.Warnings);
        result.Warnings.AddRange(table.Notes);
        return result;
    }

    /// <summary>Tasks whose memory usage is read ahead at a time (a batch's pages fit the page cache many times over).</summary>
    private const int PrefetchTasks = 256;

    private bool Keep(TaskTable table, TaskInfo task) =>
        (!KernelThreads || task.IsKernelThread) && (!UserTasks || !task.IsKernelThread) &&
        (!GroupLeaders || task.IsGroupLeader) && (!ActiveOnly || table.ActiveCpu(task) is not null);

    private void RenderList(CommandResult result, TaskTable table, IReadOnlyList<TaskInfo> tasks, CommandContext context)
    {
        var block = result.Add(new TableBlock(
            PsFormat.Marks, new Column("PID", CellKind.Integer), new Column("PPID", CellKind.Integer), new Column("CPU", CellKind.Integer),
            new Column("TASK", CellKind.Address), new Column("ST", CellKind.Enum), new Column("%MEM", CellKind.Percent, "pmem"),
            new Column("VSZ", CellKind.Integer, "vsz_kib"), new Column("RSS", CellKind.Integer, "rss_kib"), new Column("COMM")));
        int done = 0;
        foreach (var task in tasks)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            // The next tasks' mm_structs are known: their pages are decompressed on every core, a batch at a time.
            if (done % PrefetchTasks == 0) analyzer.PrefetchMemoryOf(tasks, done, PrefetchTasks);
            context.Report(++done, tasks.Count, "reading tasks");
            var usage = analyzer.MemoryOf(task);
            var row = block.AddRow(
                PsFormat.Marker(table, task), PsFormat.Pid(task), PsFormat.ParentPid(table, task), PsFormat.Cpu(task),
                Cell.Address(task.Address), PsFormat.State(task),
                usage.PercentOfRam is { } p ? Cell.Percent(p) : Cell.Unreadable(usage.Problem ?? analyzer.MemoryNote ?? "unknown", CellKind.Percent),
                usage.VszKiB is { } vsz ? Cell.UInt(vsz) : Cell.Unreadable(usage.Problem ?? "unknown", CellKind.Integer),
                usage.RssKiB is { } rss ? Cell.UInt(rss) : Cell.Unreadable(usage.Problem ?? "unknown", CellKind.Integer),
                PsFormat.Comm(task));
            row.Problem = PsFormat.Problems(task, usage.Problem);
            row.WithTaskTargets(task);
        }
    }

    private static void RenderParents(CommandResult result, TaskTable table, IReadOnlyList<TaskInfo> tasks)
    {
        foreach (var task in tasks)
        {
            var chain = new List<TaskInfo> { task };
            var seen = new HashSet<ulong> { task.Address };
            string? problem = null;
            for (var parent = table.Parent(task); parent is not null; parent = table.Parent(parent))
            {
                if (!seen.Add(parent.Address))
                {
                    problem = $"the parent chain loops at {parent.Address:x}";
                    break;
                }
                chain.Add(parent);
            }
            chain.Reverse();
            var block = result.Add(new TableBlock(new Column("PID", CellKind.Integer), new Column("TASK", CellKind.Address),
                new Column("CPU", CellKind.Integer), new Column("COMM")) { Title = $"parents of pid {task.Pid?.ToString() ?? "?"} at {task.Address:x}" });
            for (int depth = 0; depth < chain.Count; depth++)
            {
                var t = chain[depth];
                var row = block.AddRow(PsFormat.Pid(t), Cell.Address(t.Address), PsFormat.Cpu(t), PsFormat.Comm(t, new string(' ', depth)));
                row.Problem = PsFormat.Problems(t, depth == 0 ? problem : null);
                row.WithTaskTargets(t);
            }
        }
    }
}
