using System.Text.RegularExpressions;
using DumpScope.Sdk.Linux.Panic;
using DumpScope.Sdk.Linux.Printk;

namespace DumpScope.Plugins.Triage.Log;

/// <summary>
/// Finds the kernel's reports in its log by their printk formats (kernel/panic.c, arch/x86/mm/fault.c,
/// arch/x86/kernel/dumpstack.c, lib/bug.c, kernel/watchdog*.c, kernel/rcu/tree_stall.h, kernel/hung_task.c,
/// mm/oom_kill.c, drivers/tty/sysrq.c), and attaches to each the header, registers and Call Trace that follow it.
/// </summary>
public static partial class LogScanner
{
    /// <summary>How many lines after a headline still belong to its report when no other headline comes first.</summary>
    public const int ReportLines = 80;

    /// <summary>The log's records as lines (a record holding newlines gives several).</summary>
    public static IReadOnlyList<LogLine> Lines(KernelLog log)
    {
        var lines = new List<LogLine>();
        foreach (var record in log.Records)
            foreach (var text in record.Text.Split('\n'))
                lines.Add(new LogLine(lines.Count, record.TimestampNs / 1e9, text.TrimEnd('\r')));
        return lines;
    }

    /// <summary>Lines in dmesg's form ("[   14.180289] text"; lines without a timestamp are kept as they are).</summary>
    public static IReadOnlyList<LogLine> ParseDmesg(string text)
    {
        var lines = new List<LogLine>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var m = Timestamp().Match(line);
            lines.Add(m.Success
                ? new LogLine(lines.Count, double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), line[m.Length..])
                : new LogLine(lines.Count, null, line));
        }
        return lines;
    }

    /// <summary>Every report in the lines, in log order.</summary>
    public static IReadOnlyList<LogEvent> Scan(IReadOnlyList<LogLine> lines)
    {
        var events = new List<LogEvent>();
        LogEvent? open = null;
        int openedAt = 0;
        bool inTrace = false;
        foreach (var line in lines)
        {
            var text = line.Text.Trim();
            if (Headline(line, text) is { } found)
            {
                // "BUG: kernel NULL pointer dereference…" / "kernel BUG at…" come first, then the die() line
                // ("Oops: 0002 [#1] …", "invalid opcode: 0000 [#1] …"): one report.
                if (found.Kind == LogEventKind.Oops && found["oops"] is { } oops && open is { Kind: LogEventKind.Oops or LogEventKind.Bug } && open["oops"] is null
                    && line.Index - openedAt <= 10)
                {
                    open.Fields["oops"] = oops;
                    continue;
                }
                // A panic that follows an Oops in the same breath keeps its own event; both are reported.
                events.Add(found);
                open = found;
                openedAt = line.Index;
                inTrace = false;
                continue;
            }
            if (open is null || line.Index - openedAt > ReportLines) continue;
            if (open.Header is null && CpuHeader().Match(text) is { Success: true } h)
            {
                open.Header = line;
                open.Cpu = Int(h.Groups["cpu"].Value);
                open.Pid = Int(h.Groups["pid"].Value);
                open.Comm = h.Groups["comm"].Value;
                open.Tainted = Taints.ParseTaintedField(text);
                continue;
            }
            if (open.Rip is null && Rip().Match(text) is { Success: true } rip && rip.Groups[1].Value == "0010")
            {
                open.Rip = rip.Groups[2].Value;
                continue;
            }
            if (open.Cr2 is null && Cr2().Match(text) is { Success: true } cr2)
            {
                open.Cr2 = cr2.Groups[1].Value;
                continue;
            }
            if (text.StartsWith("Call Trace:", StringComparison.Ordinal))
            {
                inTrace = open.Trace.Count == 0;
                continue;
            }
            if (!inTrace) continue;
            if (Frame().Match(text) is { Success: true } f)
                open.Trace.Add(new TraceFrame(f.Groups[2].Value, ulong.Parse(f.Groups[3].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    !f.Groups[1].Success, f.Groups[5].Success ? f.Groups[5].Value : null));
            else if (text is "<TASK>" or "<IRQ>" or "</IRQ>" or "<NMI>" or "</NMI>" || text.StartsWith("---", StringComparison.Ordinal)) continue;
            else if (open.Trace.Count > 0) inTrace = false;
        }
        return events;
    }

    private static LogEvent? Headline(LogLine line, string text)
    {
        Match m;
        if ((m = PanicLine().Match(text)).Success)
            return new LogEvent(LogEventKind.Panic, line) { Fields = { ["message"] = m.Groups[1].Value.TrimEnd() } };
        if (SysrqCrashLine().IsMatch(text))
            return new LogEvent(LogEventKind.SysrqCrash, line) { Fields = { ["message"] = text } };
        if ((m = SoftLockupLine().Match(text)).Success)
            return new LogEvent(LogEventKind.SoftLockup, line)
            {
                Fields = { ["message"] = text, ["cpu"] = m.Groups[1].Value, ["seconds"] = m.Groups[2].Value, ["comm"] = m.Groups[3].Value, ["pid"] = m.Groups[4].Value },
            };
        if ((m = HardLockupLine().Match(text)).Success)
            return new LogEvent(LogEventKind.HardLockup, line) { Fields = { ["message"] = text, ["cpu"] = m.Groups[1].Value } };
        if ((m = RcuStallLine().Match(text)).Success)
            return new LogEvent(LogEventKind.RcuStall, line) { Fields = { ["message"] = text, ["flavor"] = m.Groups[1].Value } };
        if ((m = HungTaskLine().Match(text)).Success)
            return new LogEvent(LogEventKind.HungTask, line)
            {
                Fields = { ["message"] = text, ["comm"] = m.Groups[1].Value, ["pid"] = m.Groups[2].Value, ["seconds"] = m.Groups[3].Value },
            };
        if ((m = OomInvokedLine().Match(text)).Success)
            return new LogEvent(LogEventKind.OomInvoked, line)
            {
                Fields =
                {
                    ["message"] = text, ["comm"] = m.Groups[1].Value, ["gfp_mask"] = m.Groups[2].Value, ["gfp_flags"] = m.Groups[3].Value,
                    ["order"] = m.Groups[4].Value, ["oom_score_adj"] = m.Groups[5].Value,
                },
            };
        if ((m = OomKillLine().Match(text)).Success)
        {
            var e = new LogEvent(LogEventKind.OomKill, line)
            {
                Fields =
                {
                    ["message"] = text, ["scope"] = m.Groups[1].Value, ["pid"] = m.Groups[2].Value, ["comm"] = m.Groups[3].Value,
                    ["total_vm_kb"] = m.Groups[4].Value, ["anon_rss_kb"] = m.Groups[5].Value, ["file_rss_kb"] = m.Groups[6].Value,
                },
            };
            if (m.Groups[7].Success) e.Fields["shmem_rss_kb"] = m.Groups[7].Value;
            return e;
        }
        if ((m = PageFaultLine().Match(text)).Success)
            return new LogEvent(LogEventKind.Oops, line) { Fields = { ["message"] = text, ["address"] = m.Groups["address"].Value } };
        if ((m = KernelBugLine().Match(text)).Success)
            return new LogEvent(LogEventKind.Bug, line) { Fields = { ["message"] = text, ["file"] = m.Groups[1].Value, ["line"] = m.Groups[2].Value } };
        if ((m = OopsLine().Match(text)).Success)
            return new LogEvent(LogEventKind.Oops, line) { Fields = { ["message"] = text, ["oops"] = m.Groups["what"].Value.Trim() } };
        if ((m = WarningLine().Match(text)).Success)
            return new LogEvent(LogEventKind.Warning, line)
            {
                Fields = { ["message"] = text, ["cpu"] = m.Groups[1].Value, ["pid"] = m.Groups[2].Value, ["location"] = m.Groups[3].Value },
            };
        if (OtherBugLine().IsMatch(text))
            return new LogEvent(LogEventKind.Bug, line) { Fields = { ["message"] = text } };
        return null;
    }

    private static int? Int(string text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    [GeneratedRegex(@"^\[\s*(\d+\.\d+)\] ")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"^Kernel panic - not syncing: ?(.*)$")]
    private static partial Regex PanicLine();

    [GeneratedRegex(@"^(sysrq|SysRq) ?: Trigger a crash")]
    private static partial Regex SysrqCrashLine();

    [GeneratedRegex(@"BUG: soft lockup - CPU#(\d+) stuck for (\d+)s! \[(.*):(\d+)\]")]
    private static partial Regex SoftLockupLine();

    [GeneratedRegex(@"Watchdog detected hard LOCKUP on cpu (\d+)")]
    private static partial Regex HardLockupLine();

    [GeneratedRegex(@"INFO: (rcu_\w+) (detected stalls? on CPUs/tasks|self-detected stall on CPU)")]
    private static partial Regex RcuStallLine();

    [GeneratedRegex(@"^INFO: task (.+):(\d+) blocked for more than (\d+) seconds\.")]
    private static partial Regex HungTaskLine();

    [GeneratedRegex(@"^(.+) invoked oom-killer: gfp_mask=(0x[0-9a-f]+)\(([^)]*)\), order=(-?\d+), oom_score_adj=(-?\d+)")]
    private static partial Regex OomInvokedLine();

    [GeneratedRegex(@"^(Out of memory|Memory cgroup out of memory)(?: \([^)]*\))?: Killed process (\d+) \((.*?)\) total-vm:(\d+)kB, anon-rss:(\d+)kB, file-rss:(\d+)kB(?:, shmem-rss:(\d+)kB)?")]
    private static partial Regex OomKillLine();

    [GeneratedRegex(@"^BUG: (?:unable to handle (?:page fault for address: |kernel NULL pointer dereference at |kernel paging request at )|kernel NULL pointer dereference, address: )(?<address>[0-9a-fx]+)")]
    private static partial Regex PageFaultLine();

    [GeneratedRegex(@"^kernel BUG at (.+):(\d+)!")]
    private static partial Regex KernelBugLine();

    [GeneratedRegex(@"^(?:Oops: (?<what>.*)|(?<what>(?:general protection fault|invalid opcode|stack segment|double fault)[^\[]*\[#\d+\].*))$")]
    private static partial Regex OopsLine();

    [GeneratedRegex(@"^WARNING: CPU: (\d+) PID: (\d+) at (.+)$")]
    private static partial Regex WarningLine();

    [GeneratedRegex(@"^BUG: ")]
    private static partial Regex OtherBugLine();

    [GeneratedRegex(@"^CPU: (?<cpu>\d+) (?:UID: \d+ )?PID: (?<pid>\d+) Comm: (?<comm>\S+)")]
    private static partial Regex CpuHeader();

    [GeneratedRegex(@"^RIP: ([0-9a-f]{4}):(.+)$")]
    private static partial Regex Rip();

    [GeneratedRegex(@"^CR2: ([0-9a-f]+)")]
    private static partial Regex Cr2();

    [GeneratedRegex(@"^(\? )?([\w.$]+)\+0x([0-9a-f]+)/0x[0-9a-f]+( \[(\w+)\])?$")]
    private static partial Regex Frame();
}
