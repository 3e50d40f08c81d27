using DumpScope.Sdk.Linux.Signal;

namespace DumpScope.Plugins.Sched.Commands;

/// <summary>
/// crash's <c>sig</c>: a task's signal handlers (<c>sighand-&gt;action[]</c>: SIGACTION address, HANDLER, MASK,
/// FLAGS), whether TIF_SIGPENDING is set, its blocked mask, and its private and shared pending sets with their
/// queued siginfo. <c>-g</c>: the same for the whole thread group (the shared set once, then each thread's own);
/// <c>-l</c>: the signal numbers and names; <c>-s SIGSET</c>: the names of the signals in a hex mask.
/// </summary>
[Command("sig", Help = "a task's signal handlers, blocked mask and pending signals (sig [-g] [PID|TASK]... | sig -l | sig -s SIGSET; default: the panic task)",
    Examples = ["sig 1  init's handlers and pending signals", "sig ffff8a94df2a4800  by task address", "sig -g 98  every thread of pid 98's group",
        "sig -l  signal numbers and names", "sig -s 14003  the signals of a sigset"], SeeAlso = ["task", "ps", "waitq"])]
public sealed class SigCommand : ICommand
{
    /// <summary>-l.</summary>
    [Option("-l", Help = "list the signal numbers and names")]
    public bool List { get; set; }

    /// <summary>-s SIGSET.</summary>
    [Option("-s", Help = "the signals set in a hexadecimal sigset", ValueName = "SIGSET")]
    public string? Sigset { get; set; }

    /// <summary>-g.</summary>
    [Option("-g", Help = "every thread of the tasks' thread groups")]
    public bool Group { get; set; }

    /// <summary>Tasks.</summary>
    [Argument(0, Name = "PID|TASK", Help = "the tasks (default: the task running on the panic CPU)")]
    public string[] Tasks { get; set; } = [];

    private const string ActionHeader = " SIG    SIGACTION        HANDLER       MASK       FLAGS           ";

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        if (List || Sigset is not null)
        {
            if (List && Sigset is not null || Tasks.Length > 0 || Group) throw new UsageException("sig: -l and -s take no task and exclude each other");
            return List ? SignalList() : SetNames(Sigset!);
        }
        var kernel = context.Kernel;
        var tasks = Tasks.Length == 0 ? [PanicTask(kernel)] : Tasks.Select(t => KernelText.ResolveTask(kernel, t, "sig")).ToArray();
        if (Group) tasks = tasks.Select(t => kernel.Object("struct task_struct", t["group_leader"].ReadPointer())).DistinctBy(t => t.Address).ToArray();
        var result = new CommandResult();
        foreach (var task in tasks)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            try
            {
                Show(kernel, result, task, Group, context.Cancellation);
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                result.Warnings.Add($"sig: task {task.Address:x}: {KernelDataErrors.Reason(e)}");
            }
        }
        return result;
    }

    private static KernelObject PanicTask(IKernel kernel)
    {
        // The panic CPU's current task: crash's default context.
        if (KernelGlobals.TryReadInteger(kernel, "panic_cpu", "int", out var cpu, out _) && cpu >= 0 && cpu < kernel.NrCpuIds)
            return Runqueues.CpuCurr(kernel, (int)cpu);
        return KernelTasks.InitTask(kernel);
    }

    /// <summary>sig -l: " [1] SIGHUP" … "[64] SIGRTMAX".</summary>
    private static CommandResult SignalList()
    {
        var result = new CommandResult();
        var table = result.Add(new TableBlock(new Column("SIG", CellKind.Integer), new Column("NAME")) { TextFromRows = true });
        for (int sig = 1; sig <= Signals.MaxSignal; sig++)
            table.AddRow(Cell.Int(sig), Cell.Text(Signals.SignalNames(sig)!)).Text = $"{$"[{sig}]",4} {Signals.SignalNames(sig)}";
        return result;
    }

    /// <summary>sig -s: the names of the signals set in a sigset, on one line.</summary>
    private static CommandResult SetNames(string text)
    {
        string digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        if (!ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var mask))
            throw new UsageException($"sig: invalid sigset: {text} (a hexadecimal mask of at most 64 bits)");
        var result = new CommandResult();
        var table = result.Add(new TableBlock(new Column("SIG", CellKind.Integer), new Column("NAME")) { TextFromRows = true });
        var names = Signals.SignalsIn(mask).Select(s => (s, Signals.SignalName(s)!)).ToArray();
        foreach (var (sig, name) in names) table.AddRow(Cell.Int(sig), Cell.Text(name));
        if (table.Rows.Count > 0) table.Rows[0].Text = string.Join(" ", names.Select(n => n.Item2));
        return result;
    }

    private static void Show(IKernel kernel, CommandResult result, KernelObject task, bool group, CancellationToken cancellation)
    {
        var (pid, comm, problem) = KernelText.Task(kernel, task.Address);
        int cpu = KernelTasks.TaskCpu(task);
        ulong signal = Signals.TaskSignal(task);
        ulong sighand = Signals.TaskSighand(task);
        long threads = signal != 0 && kernel.Object("struct signal_struct", signal)["nr_threads"].TryReadUnsigned(out var n, out _) ? (long)n : -1;
        var table = result.Add(new TableBlock(new Column("PID", CellKind.Integer), new Column("TASK", CellKind.Address), new Column("SIG", CellKind.Integer),
            new Column("SIGACTION", CellKind.Address), new Column("HANDLER"), new Column("MASK", CellKind.Hex), new Column("FLAGS", CellKind.Hex),
            new Column("FLAG_NAMES")) { TextFromRows = true });
        string header = $"PID: {(pid?.ToString(CultureInfo.InvariantCulture) ?? "?"),-8} TASK: {task.Address:x}  CPU: {cpu,-4} COMMAND: \"{comm ?? "?"}\"\n" +
            $"SIGNAL_STRUCT: {signal:x}  NR_THREADS: {(threads >= 0 ? threads.ToString(CultureInfo.InvariantCulture) : "?")}\n{ActionHeader}";
        var actions = sighand == 0 ? [] : Signals.SighandActions(kernel, sighand);
        bool first = true;
        foreach (var action in actions)
        {
            string handler = action.Handler switch { null => "?", 0 => "SIG_DFL", 1 => "SIG_IGN", var h => h.Value.ToString("x", CultureInfo.InvariantCulture) };
            var names = action.Flags is { } f ? string.Join("|", Signals.FlagNames.Where(x => (f & x.Bit) != 0).Select(x => x.Name)) : "";
            var row = table.AddRow(pid is { } p ? Cell.Int(p) : Cell.Unreadable(problem ?? "pid unreadable", CellKind.Integer), Cell.Address(task.Address),
                Cell.Int(action.Signal), Cell.Address(action.Address),
                action.Handler is null ? Cell.Unreadable(action.Problem ?? "unreadable") : Cell.Text(handler),
                KernelText.Or(action.Mask, v => Cell.Hex(v), action.Problem ?? "unreadable", CellKind.Hex),
                KernelText.Or(action.Flags, v => Cell.Hex(v), action.Problem ?? "unreadable", CellKind.Hex),
                Cell.Text(names));
            string line = $"{$"[{action.Signal}]",4} {action.Address:x16} {handler,10} {(action.Mask is { } m ? m.ToString("x16", CultureInfo.InvariantCulture) : "?"),16} " +
                $"{(action.Flags is { } fl ? fl.ToString("x", CultureInfo.InvariantCulture) : "?")} {(names.Length > 0 ? $"({names})" : "")}";
            row.Text = first ? $"{header}\n{line}" : line;
            first = false;
            row.Problem = action.Problem;
            row.WithTask(task.Address, pid);
        }
        if (table.Rows.Count == 0)
        {
            var none = table.AddRow(pid is { } p ? Cell.Int(p) : Cell.Unreadable(problem ?? "pid unreadable", CellKind.Integer), Cell.Address(task.Address),
                Cell.NotApplicable(CellKind.Integer), Cell.NotAvailable("no sighand (exited task)", CellKind.Address), Cell.NotApplicable(),
                Cell.NotApplicable(CellKind.Hex), Cell.NotApplicable(CellKind.Hex), Cell.NotApplicable());
            none.Text = $"{header}\n  (no sighand_struct)";
        }

        // Pending state, appended to the last line as crash prints it after the handlers; with -g the shared set
        // once, then each thread's own state indented under its header line.
        var shared = signal == 0 ? null : Signals.ReadPending(kernel, kernel.Object("struct signal_struct", signal)["shared_pending"].Address, cancellation);
        var text = new StringBuilder(table.Rows[^1].Text);
        var pendingTable = result.Add(new TableBlock(new Column("PID", CellKind.Integer), new Column("SET", CellKind.Enum), new Column("SIGPENDING", CellKind.Address),
            new Column("SIGNAL", CellKind.Hex), new Column("SIGNALS"), new Column("QUEUED")) { TextFromRows = true });
        if (!group) ThreadPending(kernel, text, pendingTable, task, pid, problem, "", cancellation);
        if (shared is not null)
        {
            Pending(text, "SHARED_PENDING", shared, "");
            AddPendingRow(pendingTable, pid is { } pp ? Cell.Int(pp) : Cell.Unreadable(problem ?? "pid unreadable", CellKind.Integer), "shared", shared);
        }
        if (group)
        {
            var members = KernelTasks.ForEachThread(task, cancellation);
            foreach (var thread in members.Items)
            {
                var (tid, tcomm, tproblem) = KernelText.Task(kernel, thread.Address);
                text.Append($"\n\n  PID: {(tid?.ToString(CultureInfo.InvariantCulture) ?? "?"),-8} TASK: {thread.Address:x}  CPU: {KernelTasks.TaskCpu(thread),-4} COMMAND: \"{tcomm ?? "?"}\"");
                ThreadPending(kernel, text, pendingTable, thread, tid, tproblem, "  ", cancellation);
            }
            if (members.Problem is not null) result.Warnings.Add($"sig -g: task {task.Address:x}: {members.Problem}");
        }
        table.Rows[^1].Text = text.ToString();
    }

    /// <summary>A thread's SIGPENDING flag, blocked mask and private pending set, as text and as data rows.</summary>
    private static void ThreadPending(IKernel kernel, StringBuilder text, TableBlock pendingTable, KernelObject task, int? pid, string? problem, string indent,
        CancellationToken cancellation)
    {
        ulong flags = task["thread_info.flags"].TryReadUnsigned(out var tf, out _) ? tf : 0;
        ulong? blocked = task["blocked"].TryReadUnsigned(out var b, out _) ? b : null;
        var privatePending = Signals.ReadPending(kernel, task["pending"].Address, cancellation);
        text.Append($"\n{indent}SIGPENDING: {(((flags >> Signals.TifSigpending) & 1) != 0 ? "yes" : "no")}");
        text.Append($"\n{indent}   BLOCKED: {(blocked is { } bl ? bl.ToString("x16", CultureInfo.InvariantCulture) : "(unreadable)")}");
        Pending(text, "PRIVATE_PENDING", privatePending, indent);
        var pidCell = pid is { } pp ? Cell.Int(pp) : Cell.Unreadable(problem ?? "pid unreadable", CellKind.Integer);
        pendingTable.AddRow(pidCell, Cell.Enum("blocked"), Cell.Address(task["blocked"].Address),
            KernelText.Or(blocked, v => Cell.Hex(v), "blocked unreadable", CellKind.Hex),
            Cell.Text(blocked is { } bb ? string.Join(",", Signals.SignalsIn(bb)) : ""), Cell.NotApplicable());
        AddPendingRow(pendingTable, pidCell, "private", privatePending);
    }

    private static void AddPendingRow(TableBlock pendingTable, Cell pid, string name, PendingSignals set)
    {
        var row = pendingTable.AddRow(pid, Cell.Enum(name), Cell.Address(set.Address),
            KernelText.Or(set.Signal, v => Cell.Hex(v), set.Problem ?? "unreadable", CellKind.Hex),
            Cell.Text(set.Signal is { } s ? string.Join(",", Signals.SignalsIn(s)) : ""),
            Cell.Text(string.Join(",", set.Queued.Select(q => q.Signo?.ToString(CultureInfo.InvariantCulture) ?? "?"))));
        row.Problem = set.Problem;
    }

    private static void Pending(StringBuilder text, string title, PendingSignals set, string indent)
    {
        text.Append('\n').Append(indent).Append(title);
        text.Append($"\n{indent}    SIGNAL: {(set.Signal is { } s ? s.ToString("x16", CultureInfo.InvariantCulture) : "(unreadable)")}");
        if (set.Queued.Count == 0) text.Append($"\n{indent}  SIGQUEUE: (empty)");
        else
        {
            text.Append($"\n{indent}  SIGQUEUE:  SIG  SIGINFO");
            foreach (var (queue, signo) in set.Queued)
                text.Append($"\n{indent}            {signo?.ToString(CultureInfo.InvariantCulture) ?? "?",3}  {queue:x16}");
        }
        if (set.Problem is not null) text.Append($"\n{indent}  ^ {set.Problem}");
    }
}
