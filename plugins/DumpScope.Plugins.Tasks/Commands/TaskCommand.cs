namespace DumpScope.Plugins.Tasks.Commands;

/// <summary>
/// <c>task [PID|TASK]...</c>: the interesting fields of a task_struct, with the way to the raw struct, the
/// parent and the mm. Without an argument: the panicking task (crash's current context).
/// </summary>
[Shows(typeof(TaskTarget), "{Address}")]
[Command("task", Help = "a task's details: pid, tgid, state, flags, cpu, prio, mm, parent, children, times (task [PID|TASK]...)",
    Examples = ["task 1  the details of pid 1", "task ffff888003a4c000  of the task at an address"], SeeAlso = ["ps", "struct task_struct"])]
public sealed class TaskCommand(TaskAnalyzer analyzer) : ICommand
{
    /// <summary>PIDs or task_struct addresses.</summary>
    [Argument(0, Name = "PID|TASK", Help = "the tasks (default: the panicking task)")]
    public string[] Selectors { get; set; } = [];

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var table = analyzer.Tasks(context.Cancellation);
        var result = new CommandResult();
        var tasks = new List<TaskInfo>();
        if (Selectors.Length == 0 && context.CurrentTask is { } current)
            tasks.AddRange(analyzer.Select($"{current:x}"));
        else if (Selectors.Length == 0)
        {
            if (table.PanicTask is not { } panic)
                return CommandResult.Fail($"task: no panicking task ({table.PanicNote}); give a PID or a task address");
            tasks.Add(analyzer.ReadTask(panic));
        }
        foreach (var selector in Selectors)
        {
            bool numeric = int.TryParse(selector, NumberStyles.None, CultureInfo.InvariantCulture, out _);
            if (!numeric && !(Arguments.TryParseAddress(selector, out var address) && KernelAddress.IsKernel(address)))
                throw new UsageException($"task: '{selector}' is neither a PID nor a task address");
            var matches = analyzer.Select(selector);
            if (matches.Count == 0) result.Warnings.Add($"task: no task has pid {selector}");
            tasks.AddRange(matches.Where(m => !tasks.Contains(m)));
        }
        if (tasks.Count == 0) return CommandResult.Fail($"task: no task matches {string.Join(", ", Selectors)}");
        foreach (var task in tasks)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            result.Blocks.Add(Describe(table, task, context.Cancellation));
        }
        return result;
    }

    private RecordBlock Describe(TaskTable table, TaskInfo task, CancellationToken cancellation)
    {
        var record = new RecordBlock
        {
            Title = $"PID: {task.Pid?.ToString() ?? "?"}  TASK: {task.Address:x16}  CPU: {task.Cpu?.ToString() ?? "?"}  COMMAND: \"{task.Comm ?? "?"}\"",
        };
        var structTarget = new NavigationTarget("struct task_struct", $"struct task_struct {task.Address:x}");
        record.Add("pid", PsFormat.Pid(task));
        record.Add("tgid", task.Tgid is { } tgid ? Cell.Int(tgid) : Unreadable(task, "tgid", CellKind.Integer));
        record.Add("comm", task.Comm is { } comm ? Cell.Text(comm) : Unreadable(task, "comm"));
        record.Add("task", Cell.Address(task.Address), structTarget);
        record.Add("state", task.State is { } state ? Cell.Enum($"{state.Name} [{state.Code}]") : Unreadable(task, "state", CellKind.Enum));
        record.Add("state word", task.StateWord is { } word ? Cell.Hex(word) : Unreadable(task, "state", CellKind.Hex));
        record.Add("exit_state", task.ExitState is { } exit ? Cell.Hex((ulong)exit) : Unreadable(task, "exit_state", CellKind.Hex));
        record.Add("flags", task.Flags is { } flags ? Cell.Hex(flags) : Unreadable(task, "flags", CellKind.Hex));
        record.Add("kernel thread", Cell.Bool(task.IsKernelThread));
        record.Add("cpu", PsFormat.Cpu(task));
        var active = table.ActiveCpu(task);
        record.Add("running", Cell.Text(active is { } cpu ? $"yes, on CPU {cpu}" : "no"));
        record.Add("panicking", Cell.Bool(table.IsPanicking(task)));
        record.Add("prio", task.Prio is { } prio ? Cell.Int(prio) : Unreadable(task, "prio", CellKind.Integer));
        record.Add("static_prio", task.StaticPrio is { } sprio ? Cell.Int(sprio) : Unreadable(task, "static_prio", CellKind.Integer));

        NavigationTarget? mmTarget = task.Mm is { } mm && mm != 0 ? new NavigationTarget("struct mm_struct", $"struct mm_struct {mm:x}") : null;
        record.Add("mm", task.Mm is { } m ? (m == 0 ? Cell.Text("NULL") : Cell.Address(m)) : Unreadable(task, "mm", CellKind.Address), mmTarget);
        var usage = analyzer.MemoryOf(task);
        record.Add("vsz (KiB)", usage.VszKiB is { } vsz ? Cell.UInt(vsz) : Cell.Unreadable(usage.Problem ?? "unknown", CellKind.Integer));
        record.Add("rss (KiB)", usage.RssKiB is { } rss ? Cell.UInt(rss) : Cell.Unreadable(usage.Problem ?? "unknown", CellKind.Integer));
        if (usage.RssKiB is not null && task.Mm is > 0)
            record.Add("rss file/anon/shmem (KiB)", Cell.Text($"{usage.FileKiB}/{usage.AnonKiB}/{usage.ShmemKiB}"));

        NavigationTarget? parentTarget = null;
        var parent = table.Parent(task);
        if (parent is not null)
        {
            bool unique = parent.Pid is { } ppid && table.ByPid(ppid).Count() == 1;
            parentTarget = new NavigationTarget("parent", unique ? $"task {parent.Pid}" : $"task {parent.Address:x}");
            record.Add("parent", Cell.Text($"{parent.Pid?.ToString() ?? "?"} ({parent.Comm ?? "?"}) at {parent.Address:x16}"), parentTarget);
        }
        else if (task.RealParent is { } self && self == task.Address) record.Add("parent", Cell.Text("itself (the first task)"));
        else if (task.RealParent is { } other) record.Add("parent", Cell.Corrupt($"real_parent {other:x} is not a listed task"));
        else record.Add("parent", Unreadable(task, "real_parent"));

        var (children, childProblem) = analyzer.CountChildren(task, cancellation);
        record.Add("children", childProblem is null ? Cell.Int(children) : Cell.Corrupt($"{childProblem} (counted {children})", CellKind.Integer));
        record.Add("start time (s)", Seconds(task, "start_time", task.StartTimeNs));
        record.Add("utime (s)", Seconds(task, "utime", task.UtimeNs));
        record.Add("stime (s)", Seconds(task, "stime", task.StimeNs));
        record.Add("found by", Cell.Text(task.Sources == TaskSources.None ? "none" : task.Sources.ToString()));
        if (PsFormat.Problems(task, usage.Problem) is { } problems) record.Add("problems", Cell.Text(problems));

        record.Targets.Add(structTarget);
        if (parentTarget is not null) record.Targets.Add(parentTarget);
        if (mmTarget is not null) record.Targets.Add(mmTarget);
        return record;
    }

    private static Cell Seconds(TaskInfo task, string field, ulong? ns) =>
        ns is { } value ? Cell.Text((value / 1e9).ToString("0.000000000", CultureInfo.InvariantCulture)) : Unreadable(task, field);

    private static Cell Unreadable(TaskInfo task, string field, CellKind kind = CellKind.Text) =>
        task.WhyUnreadable(field) is { } why ? Cell.Unreadable(why, kind) : Cell.NotAvailable($"this kernel's task_struct has no {field}", kind);
}
