using DumpScope.Sdk.Linux.Signal;

namespace DumpScope.Plugins.Sched.Commands;

/// <summary>
/// crash's <c>sig</c>: a task's signal handlers (<c>sighand-&gt;action[]</c>: SIGACTION address, HANDLER, MASK,
/// FLAGS), whether TIF_SIGPENDING is set, its blocked mask, and its private and shared pending sets with their
/// queued siginfo.
/// </summary>
[Command("sig", Help = "a task's signal handlers, blocked mask and pending signals (sig [PID|TASK]...; default: the panic task)",
    Examples = ["sig 1  init's handlers and pending signals", "sig ffff8a94df2a4800  by task address"], SeeAlso = ["task", "ps", "waitq"])]
public sealed class SigCommand : ICommand
{
    /// <summary>Tasks.</summary>
    [Argument(0, Name = "PID|TASK", Help = "the tasks (default: the task running on the panic CPU)")]
    public string[] Tasks { get; set; } = [];

    private const string ActionHeader = " SIG    SIGACTION        HANDLER       MASK       FLAGS           ";

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        var tasks = Tasks.Length == 0 ? [PanicTask(kernel)] : Tasks.Select(t => KernelText.ResolveTask(kernel, t, "sig")).ToArray();
        var result = new CommandResult();
        foreach (var task in tasks)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            try
            {
                Show(kernel, result, task, context.Cancellation);
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

    private static void Show(IKernel kernel, CommandResult result, KernelObject task, CancellationToken cancellation)
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

        // Pending state, appended to the last line as crash prints it after the handlers.
        ulong flags = task["thread_info.flags"].TryReadUnsigned(out var tf, out _) ? tf : 0;
        ulong? blocked = task["blocked"].TryReadUnsigned(out var b, out _) ? b : null;
        var privatePending = Signals.ReadPending(kernel, task["pending"].Address, cancellation);
        var shared = signal == 0 ? null : Signals.ReadPending(kernel, kernel.Object("struct signal_struct", signal)["shared_pending"].Address, cancellation);
        var text = new StringBuilder(table.Rows[^1].Text);
        text.Append($"\nSIGPENDING: {(((flags >> Signals.TifSigpending) & 1) != 0 ? "yes" : "no")}");
        text.Append($"\n   BLOCKED: {(blocked is { } bl ? bl.ToString("x16", CultureInfo.InvariantCulture) : "(unreadable)")}");
        Pending(text, "PRIVATE_PENDING", privatePending);
        if (shared is not null) Pending(text, "SHARED_PENDING", shared);
        table.Rows[^1].Text = text.ToString();

        var pendingTable = result.Add(new TableBlock(new Column("PID", CellKind.Integer), new Column("SET", CellKind.Enum), new Column("SIGPENDING", CellKind.Address),
            new Column("SIGNAL", CellKind.Hex), new Column("SIGNALS"), new Column("QUEUED")) { TextFromRows = true });
        foreach (var (name, set) in new[] { ("blocked", (PendingSignals?)null), ("private", privatePending), ("shared", shared) })
        {
            var pidCell = pid is { } pp ? Cell.Int(pp) : Cell.Unreadable(problem ?? "pid unreadable", CellKind.Integer);
            if (name == "blocked")
            {
                pendingTable.AddRow(pidCell, Cell.Enum(name), Cell.Address(task["blocked"].Address),
                    KernelText.Or(blocked, v => Cell.Hex(v), "blocked unreadable", CellKind.Hex),
                    Cell.Text(blocked is { } bb ? string.Join(",", Signals.SignalsIn(bb)) : ""), Cell.NotApplicable());
                continue;
            }
            if (set is null) continue;
            var row = pendingTable.AddRow(pidCell, Cell.Enum(name), Cell.Address(set.Address),
                KernelText.Or(set.Signal, v => Cell.Hex(v), set.Problem ?? "unreadable", CellKind.Hex),
                Cell.Text(set.Signal is { } s ? string.Join(",", Signals.SignalsIn(s)) : ""),
                Cell.Text(string.Join(",", set.Queued.Select(q => q.Signo?.ToString(CultureInfo.InvariantCulture) ?? "?"))));
            row.Problem = set.Problem;
        }
    }

    private static void Pending(StringBuilder text, string title, PendingSignals set)
    {
        text.Append('\n').Append(title);
        text.Append($"\n    SIGNAL: {(set.Signal is { } s ? s.ToString("x16", CultureInfo.InvariantCulture) : "(unreadable)")}");
        if (set.Queued.Count == 0) text.Append("\n  SIGQUEUE: (empty)");
        else
        {
            text.Append("\n  SIGQUEUE:  SIG  SIGINFO");
            foreach (var (queue, signo) in set.Queued)
                text.Append($"\n            {signo?.ToString(CultureInfo.InvariantCulture) ?? "?",3}  {queue:x16}");
        }
        if (set.Problem is not null) text.Append($"\n  ^ {set.Problem}");
    }
}
