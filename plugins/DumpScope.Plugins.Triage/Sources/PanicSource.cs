using DumpScope.Plugins.Triage.Findings;
using DumpScope.Plugins.Triage.Log;
using DumpScope.Sdk.Linux.Stack;

namespace DumpScope.Plugins.Triage.Sources;

/// <summary>
/// What stopped the kernel: the last panic (or, without one, the last Oops/BUG) of the log, the report that caused
/// it, the panicking CPU (panic_cpu) and its task with its backtrace, and the crash signature.
/// </summary>
internal static class PanicSource
{
    /// <summary>How far before the panic line its cause may be, in log lines.</summary>
    public const int CauseWindow = 400;

    private static readonly LogEventKind[] Causes =
    [
        LogEventKind.SysrqCrash, LogEventKind.Oops, LogEventKind.Bug, LogEventKind.HardLockup, LogEventKind.SoftLockup,
        LogEventKind.RcuStall, LogEventKind.HungTask, LogEventKind.Warning, LogEventKind.OomKill,
    ];

    public static void Run(TriageContext context)
    {
        var events = context.Events;
        var stop = events.LastOrDefault(e => e.Kind == LogEventKind.Panic) ?? events.LastOrDefault(e => e.Kind is LogEventKind.Oops or LogEventKind.Bug);
        LogEvent? cause = null;
        if (stop is { Kind: LogEventKind.Panic })
        {
            int previousPanic = events.LastOrDefault(e => e.Kind == LogEventKind.Panic && e.Line.Index < stop.Line.Index)?.Line.Index ?? -1;
            cause = events.LastOrDefault(e => Causes.Contains(e.Kind) && e.Line.Index < stop.Line.Index && e.Line.Index > previousPanic
                && stop.Line.Index - e.Line.Index <= CauseWindow);
        }
        context.StopEvent = stop;
        context.CauseEvent = cause;
        string stoppedBy = StoppedBy(stop, cause);

        int? panicCpu = context.Backtracer.PanicCpu;
        context.AddSummary("STOPPED BY", "stopped_by", stop is null && panicCpu is null ? Cell.NotAvailable("no panic in the log and panic_cpu unset") : Cell.Enum(stoppedBy));
        context.AddSummary("PANIC", "panic", stop is not null ? Cell.Text(stop.Line.Text.Trim())
            : Cell.NotAvailable(context.LogProblem is { } p ? $"log unreadable: {p}" : "no panic message in the log"), new NavigationTarget("kernel log", "log"));
        context.AddSummary("PANIC CPU", "panic_cpu", panicCpu is { } c ? Cell.Int(c) : Cell.NotAvailable("panic_cpu unset or unreadable"));

        if (stop is null && panicCpu is null)
        {
            if (context.Log is not null)
                context.Findings.Add(new Finding(Severity.Info, "no_panic", "log", "no panic, Oops or BUG in the log, and panic_cpu is unset: the dump was taken from a running kernel")
                    .Leads("kernel log", "log"));
            return;
        }

        var title = stop is not null ? Headline(stop, cause) : $"CPU {panicCpu} panicked (the panic message is not in the log)";
        var finding = new Finding(Severity.Critical, "crash", stop is null ? "panic_cpu" : "log", title);
        if (cause is not null && cause != stop) finding.Evidence.Add(cause.Line.Display);
        if (stop is not null) finding.Evidence.Add(stop.Line.Display);
        var report = cause is { Header: not null } ? cause : stop;
        if (report?.Header is { } header) finding.Evidence.Add(header.Display);
        // Registers and addresses come after the task and its stack.
        var registers = new List<string>();
        if ((cause?.Rip ?? stop?.Rip) is { } rip) registers.Add($"RIP (log): {rip}");
        var address = cause?["address"] ?? cause?.Cr2 ?? stop?.Cr2;
        if (address is not null) registers.Add($"faulting address: {address}" + (cause?.Cr2 is { } cr2 && cause["address"] is not null ? $" (CR2: {cr2})" : ""));
        var logTrace = (report?.Trace.Count > 0 ? report : stop)?.Trace;
        finding.Leads("kernel log", "log");

        KernelObject? task = null;
        Backtrace? trace = null;
        if (panicCpu is { } cpu)
        {
            try
            {
                task = Runqueues.CpuCurr(context.Kernel, cpu);
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                finding.Evidence.Add($"CPU {cpu}'s running task is unreadable: {KernelDataErrors.Reason(e)}");
            }
            if (context.Backtracer.CpuRegisters(cpu, out _) is { } regs && !regs.IsUserMode)
                registers.Add($"saved registers (PRSTATUS of CPU {cpu}): RIP {regs.Ip:x16} {Function(context, regs.Ip)}".TrimEnd());
        }
        else finding.Evidence.Add("panic_cpu is unset or unreadable: the panicking task is not known");

        if (task is not null)
        {
            int? pid = TaskFacts.Pid(task);
            string comm = TaskFacts.Comm(task);
            context.AddSummary("PANIC PID", "panic_pid", pid is { } taskPid ? Cell.Int(taskPid) : Cell.Unreadable("pid unreadable", CellKind.Integer),
                new NavigationTarget("backtrace", TaskFacts.Bt(task)));
            context.AddSummary("PANIC COMM", "panic_comm", Cell.Text(comm));
            finding.Evidence.Add($"panicking task: {TaskFacts.Describe(task)} on CPU {panicCpu}");
            if (report?.Pid is { } logPid && pid is { } readPid && logPid != readPid)
                finding.Evidence.Add($"note: the log's header names PID {logPid} ({report.Comm}), CPU {panicCpu}'s running task is PID {readPid}");
            finding.Leads("backtrace", TaskFacts.Bt(task)).Leads("task", new TaskTarget(task.Address, pid));
            trace = TaskFacts.Trace(context, task, panicCpu, out var problem);
            if (trace is null) finding.Evidence.Add($"no backtrace: {problem}");
            else
            {
                finding.Evidence.Add("stack: " + TaskFacts.Chain(trace.Frames.Select(f => (f.Reliable ? "" : "? ") + (f.Symbol?.Symbol.Name ?? $"{f.Ip:x}")), 8));
                if (!trace.IsComplete) finding.Evidence.Add($"the trace ends early: {trace.Reason}");
                context.Details.Add(TaskFacts.FrameTable($"panic stack: {TaskFacts.Describe(task)}", trace));
            }
        }
        if (logTrace is { Count: > 0 })
            finding.Evidence.Add("log Call Trace: " + TaskFacts.Chain(logTrace.Where(f => f.Reliable).Select(f => f.Function), 8));
        finding.Evidence.AddRange(registers);
        context.Findings.Add(finding);

        // The signature: the message template and the top reliable frames (the unwound stack, else the log's trace).
        string message = string.Join(" | ", new[] { cause, stop }.Where(e => e is not null).Distinct().Select(e => e!["message"] ?? e.Line.Text));
        if (stop is { Kind: LogEventKind.Panic }) message = string.Join(" | ", new[] { cause?["message"], "Kernel panic - not syncing: " + stop["message"] }.Where(m => m is not null));
        if (message.Length == 0) message = "(panic message not in the log)";
        var unwound = trace is not null ? TaskFacts.ReliableNames(trace) : [];
        context.Signature = unwound.Any(n => !CrashSignature.Machinery.Contains(n))
            ? CrashSignature.From(message, unwound, "unwound panic stack")
            : CrashSignature.From(message, logTrace?.Where(f => f.Reliable).Select(f => f.Function) ?? [], "the log's Call Trace");
        context.AddSummary("SIGNATURE", "signature", Cell.Text(context.Signature.Value));
    }

    private static string Function(TriageContext context, ulong ip) =>
        context.Backtracer.Unwinder.Name(ip, false) is { } s ? $"{s.Symbol.Name}+0x{s.Offset:x}" : "";

    private static string StoppedBy(LogEvent? stop, LogEvent? cause) => (cause ?? stop)?.Kind switch
    {
        LogEventKind.SysrqCrash => "sysrq_crash",
        LogEventKind.Oops => "oops",
        LogEventKind.Bug => "bug",
        LogEventKind.HardLockup => "hard_lockup",
        LogEventKind.SoftLockup => "soft_lockup",
        LogEventKind.RcuStall => "rcu_stall",
        LogEventKind.HungTask => "hung_task",
        LogEventKind.Warning => "warning",
        LogEventKind.OomKill => "oom",
        _ => "panic",
    };

    private static string Headline(LogEvent stop, LogEvent? cause)
    {
        string panic = stop.Kind == LogEventKind.Panic ? $"Kernel panic - not syncing: {stop["message"]}" : stop["message"] ?? stop.Line.Text;
        return cause switch
        {
            null => panic,
            { Kind: LogEventKind.SysrqCrash } => $"{panic} (sysrq-triggered crash: echo c > /proc/sysrq-trigger)",
            { Kind: LogEventKind.Oops } => $"{panic} after an Oops: {cause["message"]}" + (cause["oops"] is { } o ? $" ({o})" : ""),
            _ => $"{panic} after: {cause["message"]}",
        };
    }
}
