using DumpScope.Sdk.Linux.Timer;

namespace DumpScope.Plugins.Sched.Commands;

/// <summary>
/// crash's <c>timer</c>: jiffies, then per CPU and timer base (<c>timer_bases[cpu][BASE_STD|BASE_DEF]</c>) the pending
/// timer_list entries sorted by expiry: EXPIRES, TTE (jiffies to expiry), TIMER_LIST, FUNCTION. <c>-r</c>: the
/// hrtimers of each CPU's clock bases: SOFTEXPIRES, EXPIRES, TTE (ns), HRTIMER, FUNCTION.
/// </summary>
[Command("timer", Help = "pending timers: timer wheel per CPU and base (timer [-r] [-c CPU]; -r: hrtimers per clock base)",
    Examples = ["timer  the timer wheel of every CPU", "timer -r  high-resolution timers", "timer -c 1  CPU 1 only"],
    SeeAlso = ["runq", "irq"])]
public sealed class TimerCommand : ICommand
{
    /// <summary>High-resolution timers.</summary>
    [Option("-r", Help = "hrtimers: each CPU's clock bases and their queued timers")]
    public bool Hrtimers { get; set; }

    /// <summary>One CPU.</summary>
    [Option("-c", ValueName = "CPU", Help = "only this CPU", Minimum = -1)]
    public int Cpu { get; set; } = -1;

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        var cpus = kernel.ForEachOnlineCpu().ToArray();
        if (Cpu >= 0)
        {
            if (!kernel.PossibleCpus.Contains(Cpu)) throw new UsageException($"timer: invalid cpu {Cpu} (possible: {KernelText.CpuList(kernel.PossibleCpus)})");
            cpus = [Cpu];
        }
        try
        {
            return Hrtimers ? HrtimerList(kernel, cpus, context.Cancellation) : WheelList(kernel, cpus, context.Cancellation);
        }
        catch (TypeNotFoundException e)
        {
            return CommandResult.Fail($"timer: {e.Message}");
        }
    }

    private static CommandResult WheelList(IKernel kernel, int[] cpus, CancellationToken cancellation)
    {
        var result = new CommandResult();
        ulong? jiffies = null;
        try { jiffies = TimerWheel.Jiffies(kernel); }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e)) { result.Warnings.Add($"timer: jiffies unreadable: {KernelDataErrors.Reason(e)}"); }
        result.Add(new TextBlock(["JIFFIES   ", jiffies?.ToString(CultureInfo.InvariantCulture) ?? "(unreadable)"]));
        var table = result.Add(new TableBlock(
            new Column("CPU", CellKind.Integer), new Column("BASE", CellKind.Enum), new Column("TIMER_BASE", CellKind.Address),
            new Column("EXPIRES", CellKind.Integer), new Column("TTE", CellKind.Integer), new Column("TIMER_LIST", CellKind.Address),
            new Column("FUNCTION", CellKind.Address), new Column("SYMBOL")) { TextFromRows = true });
        foreach (int cpu in cpus)
        {
            cancellation.ThrowIfCancellationRequested();
            IReadOnlyList<TimerBase> bases;
            try { bases = TimerWheel.ForEachTimerBase(kernel, cpu, cancellation); }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                var bad = table.AddRow(Cell.Int(cpu), Cell.NotApplicable(CellKind.Enum), Cell.Unreadable(KernelDataErrors.Reason(e), CellKind.Address),
                    Cell.NotApplicable(CellKind.Integer), Cell.NotApplicable(CellKind.Integer), Cell.NotApplicable(CellKind.Address), Cell.NotApplicable(CellKind.Address), Cell.NotApplicable());
                bad.Text = $"TIMER_BASES[{cpu}]: (unreadable)";
                bad.Problem = KernelDataErrors.Reason(e);
                continue;
            }
            foreach (var timerBase in bases)
            {
                long Tte(WheelTimer t) => t.Expires is { } x && jiffies is { } j ? (long)(x - j) : 0;
                int digits = timerBase.Timers.Count == 0 ? 2 : timerBase.Timers.Max(t => Tte(t).ToString(CultureInfo.InvariantCulture).Length);
                string header = $"{(timerBase.Index == 0 && cpu != cpus[0] ? "\n" : "")}TIMER_BASES[{cpu}][{timerBase.Name}]: {timerBase.Address:x}\n" +
                    $"  EXPIRES        TTE{new string(' ', 3 + digits)}TIMER_LIST     FUNCTION";
                if (timerBase.Timers.Count == 0)
                {
                    var none = table.AddRow(Cell.Int(cpu), Cell.Enum(timerBase.Name), Cell.Address(timerBase.Address), Cell.NotApplicable(CellKind.Integer),
                        Cell.NotApplicable(CellKind.Integer), Cell.NotApplicable(CellKind.Address), Cell.NotApplicable(CellKind.Address), Cell.NotApplicable());
                    none.Text = $"{header}\n  (none)";
                    none.Problem = timerBase.Problem;
                    none.WithTarget("struct timer_base", new ObjectTarget("struct timer_base", timerBase.Address));
                    continue;
                }
                bool first = true;
                foreach (var timer in timerBase.Timers)
                {
                    string? name = timer.Function is { } f ? KernelText.SymbolName(kernel, f) : null;
                    var row = table.AddRow(Cell.Int(cpu), Cell.Enum(timerBase.Name), Cell.Address(timerBase.Address),
                        KernelText.Or(timer.Expires, v => Cell.UInt(v), timer.Problem ?? "expires unreadable", CellKind.Integer),
                        timer.Expires is not null && jiffies is not null ? Cell.Int(Tte(timer)) : Cell.Unreadable(timer.Problem ?? "jiffies unreadable", CellKind.Integer),
                        Cell.Address(timer.Timer),
                        KernelText.Or(timer.Function, v => Cell.Address(v), timer.Problem ?? "function unreadable", CellKind.Address),
                        name is null ? Cell.NotAvailable("no symbol") : Cell.Text(name));
                    string tte = timer.Expires is null ? "?" : Tte(timer).ToString(CultureInfo.InvariantCulture);
                    string line = $"  {timer.Expires?.ToString(CultureInfo.InvariantCulture) ?? "(unreadable)",10} {tte.PadLeft(digits + 2)}  {timer.Timer:x16}  " +
                        $"{(timer.Function is { } fn ? fn.ToString("x16", CultureInfo.InvariantCulture) : "(unreadable)    ")}  {(name is null ? "" : $"<{name}>")}";
                    row.Text = first ? $"{header}\n{line}" : line;
                    first = false;
                    row.Problem = timer.Problem;
                    row.WithTarget("struct timer_list", new ObjectTarget("struct timer_list", timer.Timer));
                    if (name is not null) row.WithTarget("function", new SymbolTarget(name.Split('+')[0]));
                }
                if (timerBase.Problem is not null)
                {
                    table.Rows[^1].Problem ??= timerBase.Problem;
                    result.Warnings.Add($"timer: TIMER_BASES[{cpu}][{timerBase.Name}]: {timerBase.Problem}");
                }
            }
        }
        return result;
    }

    private static CommandResult HrtimerList(IKernel kernel, int[] cpus, CancellationToken cancellation)
    {
        var result = new CommandResult();
        long? now = Sdk.Linux.Timer.Hrtimers.MonotonicNow(kernel);
        if (now is null) result.Warnings.Add("timer -r: jiffies or tick_nsec cannot be read: no CURRENT, no TTE");
        var table = result.Add(new TableBlock(
            new Column("CPU", CellKind.Integer), new Column("CLOCK", CellKind.Integer), new Column("CLOCK_BASE", CellKind.Address),
            new Column("CURRENT", CellKind.Integer), new Column("SOFTEXPIRES", CellKind.Integer), new Column("EXPIRES", CellKind.Integer),
            new Column("TTE", CellKind.Integer), new Column("HRTIMER", CellKind.Address), new Column("FUNCTION", CellKind.Address),
            new Column("SYMBOL")) { TextFromRows = true });
        foreach (int cpu in cpus)
        {
            cancellation.ThrowIfCancellationRequested();
            ulong cpuBase = Sdk.Linux.Timer.Hrtimers.CpuBase(kernel, cpu);
            string cpuHeader = $"{(cpu != cpus[0] ? "\n" : "")}CPU: {cpu}  HRTIMER_CPU_BASE: {cpuBase:x}";
            IReadOnlyList<HrtimerClockBase> clocks;
            try { clocks = Sdk.Linux.Timer.Hrtimers.ForEachClockBase(kernel, cpu, cancellation); }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                var bad = EmptyRow(table, cpu, -1, cpuBase);
                bad.Text = $"{cpuHeader}\n  (unreadable)";
                bad.Problem = KernelDataErrors.Reason(e);
                continue;
            }
            foreach (var clock in clocks)
            {
                long? current = now is { } n ? n + clock.Offset : null;
                string clockHeader = $"{(clock.Index == 0 ? cpuHeader + "\n" : "\n")}  CLOCK: {clock.Index}  HRTIMER_CLOCK_BASE: {clock.Address:x}  " +
                    $"[{KernelText.SymbolName(kernel, clock.GetTime) ?? "?"}]";
                if (clock.Timers.Count == 0)
                {
                    var empty = EmptyRow(table, cpu, clock.Index, clock.Address);
                    empty.Text = $"{clockHeader}\n  (empty)";
                    empty.Problem = clock.Problem;
                    continue;
                }
                static string N(long? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "?";
                long? Tte(QueuedHrtimer t) => t.Expires is { } e && current is { } c ? e - c : null;
                int soft = Math.Max(11, clock.Timers.Max(t => N(t.SoftExpires).Length));
                int expires = Math.Max(7, clock.Timers.Max(t => N(t.Expires).Length));
                int tte = Math.Max(3, clock.Timers.Max(t => N(Tte(t)).Length));
                string header = $"{clockHeader}\n  {Centered.Number("CURRENT", soft)}\n  {Centered.Number(N(current), soft)}\n" +
                    $"  {Centered.Number("SOFTEXPIRES", soft)}  {Centered.Number("EXPIRES", expires)}  {Centered.Number("TTE", tte)}  " +
                    $"{Centered.Word("HRTIMER", 16)}  {Centered.Word("FUNCTION", 16)}";
                bool first = true;
                foreach (var timer in clock.Timers)
                {
                    string? name = timer.Function is { } f ? KernelText.SymbolName(kernel, f) : null;
                    var row = table.AddRow(Cell.Int(cpu), Cell.Int(clock.Index), Cell.Address(clock.Address),
                        current is { } c ? Cell.Int(c) : Cell.NotAvailable("jiffies unreadable", CellKind.Integer),
                        timer.SoftExpires is { } s ? Cell.Int(s) : Cell.Unreadable(timer.Problem ?? "unreadable", CellKind.Integer),
                        timer.Expires is { } e ? Cell.Int(e) : Cell.Unreadable(timer.Problem ?? "unreadable", CellKind.Integer),
                        Tte(timer) is { } t ? Cell.Int(t) : Cell.NotAvailable("no current time or expiry", CellKind.Integer),
                        Cell.Address(timer.Timer),
                        KernelText.Or(timer.Function, v => Cell.Address(v), timer.Problem ?? "function unreadable", CellKind.Address),
                        name is null ? Cell.NotAvailable("no symbol") : Cell.Text(name));
                    string line = $"  {Centered.Number(N(timer.SoftExpires), soft)}  {Centered.Number(N(timer.Expires), expires)}  {N(Tte(timer)).PadLeft(tte)}  " +
                        $"{timer.Timer:x16}  {(timer.Function is { } fn ? fn.ToString("x16", CultureInfo.InvariantCulture) : "(unreadable)    ")}  {(name is null ? "" : $"<{name}>")}";
                    row.Text = first ? $"{header}\n{line}" : line;
                    first = false;
                    row.Problem = timer.Problem;
                    row.WithTarget("struct hrtimer", new ObjectTarget("struct hrtimer", timer.Timer));
                }
                if (clock.Problem is not null)
                {
                    table.Rows[^1].Problem ??= clock.Problem;
                    result.Warnings.Add($"timer -r: cpu {cpu} clock {clock.Index}: {clock.Problem}");
                }
            }
        }
        return result;
    }

    private static TableRow EmptyRow(TableBlock table, int cpu, int clock, ulong address) =>
        table.AddRow(Cell.Int(cpu), clock >= 0 ? Cell.Int(clock) : Cell.NotApplicable(CellKind.Integer), Cell.Address(address),
            Cell.NotApplicable(CellKind.Integer), Cell.NotApplicable(CellKind.Integer), Cell.NotApplicable(CellKind.Integer),
            Cell.NotApplicable(CellKind.Integer), Cell.NotApplicable(CellKind.Address), Cell.NotApplicable(CellKind.Address), Cell.NotApplicable());
}
