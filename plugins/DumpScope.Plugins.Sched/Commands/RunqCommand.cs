namespace DumpScope.Plugins.Sched.Commands;

/// <summary>
/// crash's <c>runq</c>: per CPU, the runqueue, the task it was running, and what waited on it — the RT priority
/// array, the CFS rb-tree (group entities lead to their own cfs_rq, indented) and, when it holds tasks, the deadline
/// rb-tree. <c>-t</c>: each runqueue's clock and its current task's last arrival (sched_info.last_arrival).
/// </summary>
[Command("runq", Help = "run queues per CPU: current task, RT priority array, CFS rb-tree (task groups too), deadline tree (runq [-t] [-c CPU])",
    Examples = ["runq  every CPU's run queues", "runq -t  runqueue clocks and the current tasks' last arrival", "runq -c 2  CPU 2 only"],
    SeeAlso = ["ps", "bt", "timer"])]
public sealed class RunqCommand : ICommand
{
    /// <summary>At most this many entities per queue.</summary>
    internal const int QueueBound = 100_000;

    /// <summary>Timestamps instead of queues.</summary>
    [Option("-t", Help = "the runqueue clock of each CPU and the last arrival of its current task")]
    public bool Timestamps { get; set; }

    /// <summary>One CPU.</summary>
    [Option("-c", ValueName = "CPU", Help = "only this CPU", Minimum = -1)]
    public int Cpu { get; set; } = -1;

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        SchedQueues.Layout layout;
        try
        {
            layout = SchedQueues.Of(kernel);
        }
        catch (TypeNotFoundException e)
        {
            return CommandResult.Fail($"runq: {e.Message}");
        }
        var cpus = kernel.ForEachOnlineCpu().ToArray();
        if (Cpu >= 0)
        {
            int only = Cpu;
            if (!kernel.PossibleCpus.Contains(only)) throw new UsageException($"runq: invalid cpu {only} (possible: {KernelText.CpuList(kernel.PossibleCpus)})");
            cpus = [only];
        }
        var result = new CommandResult();
        var table = result.Add(new TableBlock(
            new Column("CPU", CellKind.Integer), new Column("RUNQUEUE", CellKind.Address), new Column("QUEUE", CellKind.Enum),
            new Column("QUEUE_ADDRESS", CellKind.Address), new Column("DEPTH", CellKind.Integer), new Column("PRIO", CellKind.Integer),
            new Column("PID", CellKind.Integer), new Column("TASK", CellKind.Address), new Column("COMMAND"),
            new Column("NR_RUNNING", CellKind.Integer), new Column("CLOCK", CellKind.Integer), new Column("LAST_ARRIVAL", CellKind.Integer),
            new Column("VRUNTIME", CellKind.Integer), new Column("DEADLINE", CellKind.Integer), new Column("LAG", CellKind.Integer))
        { TextFromRows = true });
        foreach (int cpu in cpus)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            try
            {
                if (Timestamps) AddTimestamps(kernel, layout, table, cpu);
                else AddQueues(kernel, layout, table, result, cpu, context.Cancellation);
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e) || e is InvalidDataException)
            {
                var row = table.AddRow(Cell.Int(cpu), Cell.Unreadable(KernelDataErrors.Reason(e), CellKind.Address), Cell.Enum("current"),
                    Cell.NotApplicable(CellKind.Address), Cell.NotApplicable(CellKind.Integer), Cell.NotApplicable(CellKind.Integer),
                    Cell.NotApplicable(CellKind.Integer), Cell.NotApplicable(CellKind.Address), Cell.NotApplicable(),
                    Cell.NotApplicable(CellKind.Integer), Cell.NotApplicable(CellKind.Integer), Cell.NotApplicable(CellKind.Integer),
                    Cell.NotApplicable(CellKind.Integer), Cell.NotApplicable(CellKind.Integer), Cell.NotApplicable(CellKind.Integer));
                row.Text = $"CPU {cpu} RUNQUEUE: (unreadable)";
                row.Problem = $"cpu {cpu}: {e.Message}";
            }
            if (!Timestamps && cpu != cpus[^1]) table.Rows[^1].Text += "\n";
        }
        return result;
    }

    private static void AddTimestamps(IKernel kernel, SchedQueues.Layout layout, TableBlock table, int cpu)
    {
        var rq = Runqueues.CpuRq(kernel, cpu);
        ulong? clock = layout.RqClock is not null && rq.TryUnsigned(layout.RqClock, out var c, out _) ? c : null;
        var curr = Runqueues.CpuCurr(kernel, cpu);
        var (pid, comm, problem) = KernelText.Task(kernel, curr.Address);
        ulong? arrival = layout.LastArrival is not null && curr.TryUnsigned(layout.LastArrival, out var a, out var why) ? a : null;
        string clockText = clock?.ToString(CultureInfo.InvariantCulture) ?? "(unreadable)";
        string arrivalText = arrival?.ToString(CultureInfo.InvariantCulture).PadLeft(clockText.Length, '0') ?? "(unreadable)";
        var row = table.AddRow(Cell.Int(cpu), Cell.Address(rq.Address), Cell.Enum("current"), Cell.NotApplicable(CellKind.Address),
            Cell.Int(0), Cell.NotApplicable(CellKind.Integer), pid is { } p ? Cell.Int(p) : Cell.Unreadable(problem!, CellKind.Integer),
            Cell.Address(curr.Address), comm is { } cm ? Cell.Text(cm) : Cell.Unreadable(problem!),
            Cell.NotApplicable(CellKind.Integer),
            KernelText.Or(clock, v => Cell.UInt(v), "rq clock unreadable", CellKind.Integer),
            KernelText.Or(arrival, v => Cell.UInt(v), "last_arrival unreadable", CellKind.Integer),
            Cell.NotApplicable(CellKind.Integer), Cell.NotApplicable(CellKind.Integer), Cell.NotApplicable(CellKind.Integer));
        row.Text = $" CPU {cpu}: {clockText}\n        {arrivalText}  {KernelText.TaskLine(pid, curr.Address, comm)}";
        row.Problem = problem;
        row.WithTask(curr.Address, pid);
    }

    private static void AddQueues(IKernel kernel, SchedQueues.Layout layout, TableBlock table, CommandResult result, int cpu, CancellationToken cancellation)
    {
        var rq = Runqueues.CpuRq(kernel, cpu);
        var (cfs, rtArray, dl) = SchedQueues.RqQueues(kernel, cpu);
        ulong? nrRunning = layout.RqNrRunning is not null && rq.TryUnsigned(layout.RqNrRunning, out var n, out _) ? n : null;
        ulong? clock = layout.RqClock is not null && rq.TryUnsigned(layout.RqClock, out var c, out _) ? c : null;
        var curr = Runqueues.CpuCurr(kernel, cpu);
        var (pid, comm, problem) = KernelText.Task(kernel, curr.Address);
        var current = Row(table, cpu, rq.Address, "current", 0, 0, null, curr.Address, pid, comm, problem);
        current.Cells[9] = KernelText.Or(nrRunning, v => Cell.UInt(v), "nr_running unreadable", CellKind.Integer);
        current.Cells[10] = KernelText.Or(clock, v => Cell.UInt(v), "rq clock unreadable", CellKind.Integer);
        current.Text = $"CPU {cpu} RUNQUEUE: {rq.Address:x}\n  CURRENT: {KernelText.TaskLine(pid, curr.Address, comm)}";
        current.WithTask(curr.Address, pid);
        current.WithTarget("struct rq", new ObjectTarget("struct rq", rq.Address));

        var rt = SchedQueues.RtRqQueued(kernel, rtArray, QueueBound, cancellation);
        AddQueue(kernel, table, result, cpu, rq.Address, "rt", rtArray, $"  RT PRIO_ARRAY: {rtArray:x}", rt);
        var fair = SchedQueues.CfsRqQueued(kernel, cfs, QueueBound, cancellation);
        AddQueue(kernel, table, result, cpu, rq.Address, "cfs", cfs, $"  CFS RB_ROOT: {cfs + layout.Timeline.Offset:x}", fair);
        if (dl != 0)
        {
            var deadline = SchedQueues.DlRqQueued(kernel, dl, QueueBound, cancellation);
            // crash 8.0 prints no deadline section; it is shown only when it holds something.
            if (deadline.Items.Count > 0 || !deadline.IsComplete)
                AddQueue(kernel, table, result, cpu, rq.Address, "dl", dl, $"  DL RB_ROOT: {dl + (layout.DlRoot?.Offset ?? 0):x}", deadline);
        }
    }

    private static void AddQueue(IKernel kernel, TableBlock table, CommandResult result, int cpu, ulong rq, string queue, ulong queueAddress,
        string header, WalkResult<QueuedEntity> walk)
    {
        if (walk.Items.Count == 0)
        {
            var empty = Row(table, cpu, rq, queue, queueAddress, 0, null, 0, null, null, walk.Problem);
            empty.Text = $"{header}\n     [no tasks queued]";
            if (walk.Problem is not null) result.Warnings.Add($"runq: cpu {cpu} {queue}: {walk.Problem}");
            return;
        }
        bool first = true;
        foreach (var entity in walk.Items)
        {
            string indent = new(' ', 5 + 3 * entity.Depth);
            TableRow row;
            if (entity.IsGroup)
            {
                row = Row(table, cpu, rq, queue, entity.GroupQueue, entity.Depth, entity.Prio, 0, null, null, entity.Problem);
                row.Text = $"{indent}GROUP {(queue == "rt" ? "RT_RQ" : "CFS_RQ")}: {entity.GroupQueue:x}";
                row.WithTarget(queue == "rt" ? "struct rt_rq" : "struct cfs_rq", new ObjectTarget(queue == "rt" ? "struct rt_rq" : "struct cfs_rq", entity.GroupQueue));
            }
            else
            {
                var (pid, comm, problem) = KernelText.Task(kernel, entity.Task);
                row = Row(table, cpu, rq, queue, queueAddress, entity.Depth, entity.Prio, entity.Task, pid, comm, entity.Problem ?? problem);
                string prio = entity.Prio?.ToString(CultureInfo.InvariantCulture) ?? "?";
                row.Text = $"{indent}[{prio,3}] {KernelText.TaskLine(pid, entity.Task, comm)}";
                row.WithTask(entity.Task, pid);
            }
            row.Cells[12] = entity.Vruntime is { } v ? Cell.UInt(v) : Cell.NotApplicable(CellKind.Integer);
            row.Cells[13] = entity.Deadline is { } d ? Cell.UInt(d) : Cell.NotAvailable("no deadline (fair class before EEVDF)", CellKind.Integer);
            row.Cells[14] = entity.Lag is { } l ? Cell.Int(l) : Cell.NotAvailable("no vlag (before EEVDF)", CellKind.Integer);
            string entityType = queue switch { "rt" => "struct sched_rt_entity", "dl" => "struct sched_dl_entity", _ => "struct sched_entity" };
            row.WithTarget(entityType, new ObjectTarget(entityType, entity.Entity));
            if (first) row.Text = $"{header}\n{row.Text}";
            first = false;
        }
        if (walk.Problem is not null)
        {
            table.Rows[^1].Problem ??= walk.Problem;
            result.Warnings.Add($"runq: cpu {cpu} {queue}: {walk.Problem}");
        }
    }

    private static TableRow Row(TableBlock table, int cpu, ulong rq, string queue, ulong queueAddress, int depth, int? prio, ulong task,
        int? pid, string? comm, string? problem)
    {
        bool hasTask = task != 0;
        var row = table.AddRow(Cell.Int(cpu), Cell.Address(rq), Cell.Enum(queue),
            queueAddress != 0 ? Cell.Address(queueAddress) : Cell.NotApplicable(CellKind.Address),
            Cell.Int(depth), prio is { } p ? Cell.Int(p) : Cell.NotApplicable(CellKind.Integer),
            !hasTask ? Cell.NotApplicable(CellKind.Integer) : pid is { } pd ? Cell.Int(pd) : Cell.Unreadable(problem ?? "pid unreadable", CellKind.Integer),
            hasTask ? Cell.Address(task) : Cell.NotApplicable(CellKind.Address),
            !hasTask ? Cell.NotApplicable() : comm is { } c ? Cell.Text(c) : Cell.Unreadable(problem ?? "comm unreadable"),
            Cell.NotApplicable(CellKind.Integer), Cell.NotApplicable(CellKind.Integer), Cell.NotApplicable(CellKind.Integer),
            Cell.NotApplicable(CellKind.Integer), Cell.NotApplicable(CellKind.Integer), Cell.NotApplicable(CellKind.Integer));
        row.Problem = problem;
        return row;
    }
}
