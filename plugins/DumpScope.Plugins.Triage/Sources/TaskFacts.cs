using DumpScope.Sdk.Linux.Stack;

namespace DumpScope.Plugins.Triage.Sources;

/// <summary>Reads a task's identity and backtrace for findings, marking what is unreadable instead of failing.</summary>
internal static class TaskFacts
{
    /// <summary>Pid, or null when unreadable.</summary>
    public static int? Pid(KernelObject task) => Try(() => (int?)KernelTasks.TaskPid(task));

    /// <summary>Comm, or "?" when unreadable.</summary>
    public static string Comm(KernelObject task) => Try(() => KernelTasks.TaskComm(task)) ?? "?";

    /// <summary>"PID 175 (sh), task ffff8a94efe00000".</summary>
    public static string Describe(KernelObject task) =>
        $"PID {Pid(task)?.ToString(CultureInfo.InvariantCulture) ?? "?"} ({Comm(task)}), task {task.Address:x16}";

    /// <summary>The bt command line for a task: by pid when readable (pid 0 names every idle task, so by address).</summary>
    public static string Bt(KernelObject task) => Pid(task) is { } pid and > 0 ? $"bt {pid}" : $"bt 0x{task.Address:x}";

    /// <summary>The task's backtrace, or null with the reason.</summary>
    public static Backtrace? Trace(TriageContext context, KernelObject task, int? runningCpu, out string? problem)
    {
        try
        {
            problem = null;
            return context.Backtracer.Task(task.Address, runningCpu, new UnwindOptions { MaxFrames = 64 }, context.Cancellation);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            problem = KernelDataErrors.Reason(e);
            return null;
        }
    }

    /// <summary>Reliable function names, innermost first.</summary>
    public static IReadOnlyList<string> ReliableNames(Backtrace trace) =>
        trace.Frames.Where(f => f.Reliable && f.Symbol is not null).Select(f => f.Symbol!.Value.Symbol.Name).ToArray();

    /// <summary>"f1 ← f2 ← f3" of at most <paramref name="count"/> names.</summary>
    public static string Chain(IEnumerable<string> names, int count = 6)
    {
        var list = names.ToList();
        var text = string.Join(" ← ", list.Take(count));
        return list.Count > count ? text + " ← …" : text;
    }

    /// <summary>The frames as a detail table.</summary>
    public static TableBlock FrameTable(string title, Backtrace trace)
    {
        var table = new TableBlock(new Column("#", CellKind.Integer, "index"), new Column("FUNCTION", CellKind.Text, "function"),
            new Column("OFFSET", CellKind.Hex, "offset"), new Column("MODULE", CellKind.Text, "module"), new Column("RELIABLE", CellKind.Bool, "reliable"),
            new Column("IP", CellKind.Address, "ip")) { Title = title };
        foreach (var frame in trace.Frames)
            table.AddRow(Cell.Int(frame.Index), frame.Symbol is { } s ? Cell.Text(s.Symbol.Name) : Cell.NotAvailable("no symbol at this address"),
                frame.Symbol is { } o ? Cell.Hex(o.Offset) : Cell.NotApplicable(CellKind.Hex), frame.Module is { } m ? Cell.Text(m) : Cell.NotApplicable(),
                Cell.Bool(frame.Reliable), Cell.Address(frame.Ip)).WithTarget("code", new AddressTarget(frame.Ip));
        return table;
    }

    private static T? Try<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return default;
        }
    }
}
