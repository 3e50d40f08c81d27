using DumpScope.Plugins.Triage.Findings;
using DumpScope.Plugins.Triage.Log;

namespace DumpScope.Plugins.Triage.Sources;

/// <summary>
/// The log's other reports: lockups, RCU stalls, hung_task messages, OOM kills, warnings and BUGs (those not already
/// the cause of the crash finding), one finding per kind with its first lines as evidence; and an unreadable log.
/// </summary>
internal static class LogEventSource
{
    /// <summary>Evidence lines per finding at most (the count says how many there were).</summary>
    public const int MaxEvidence = 4;

    public static void Run(TriageContext context)
    {
        if (context.Log is null)
        {
            context.Findings.Add(new Finding(Severity.Warning, "log_unreadable", "log", $"the kernel log is unreadable: {context.LogProblem}")
                .With("the panic message, Oops, lockup, RCU stall, hung_task and OOM reports are unknown; the other findings come from kernel data"));
            return;
        }
        if (context.Log.Skipped > 0 || context.Log.Problems.Count > 0)
            context.Warnings.Add($"log: {context.Log.Skipped} records skipped; {string.Join("; ", context.Log.Problems.Take(3))}");

        var events = context.Events.Where(e => e != context.CauseEvent && e != context.StopEvent).ToList();
        Group(context, events, LogEventKind.HardLockup, Severity.Error, "hard_lockup", n => $"hard lockup: {n} report(s)", e => $"CPU {e["cpu"]}");
        Group(context, events, LogEventKind.SoftLockup, Severity.Error, "soft_lockup", n => $"soft lockup: {n} report(s)",
            e => $"CPU {e["cpu"]} stuck {e["seconds"]}s in {e["comm"]}:{e["pid"]}");
        Group(context, events, LogEventKind.RcuStall, Severity.Error, "rcu_stall", n => $"RCU stall: {n} report(s)", e => e["flavor"] ?? "");
        Group(context, events, LogEventKind.HungTask, Severity.Error, "hung_task_message", n => $"hung_task: {n} task(s) reported blocked",
            e => $"{e["comm"]}:{e["pid"]} > {e["seconds"]}s");
        Group(context, events, LogEventKind.Oops, Severity.Error, "oops", n => $"{n} earlier Oops report(s)", e => e["message"] ?? "");
        Group(context, events, LogEventKind.Bug, Severity.Error, "bug", n => $"{n} BUG report(s)", e => e["message"] ?? "");
        Group(context, events, LogEventKind.Warning, Severity.Warning, "warning", n => $"{n} kernel warning(s) (WARN)", e => e["location"] ?? "");
        // Every kill of the series, the one the crash finding names as its trigger too ("after: Out of memory: …").
        OomKills(context, context.Events);
    }

    private static void Group(TriageContext context, List<LogEvent> events, LogEventKind kind, Severity severity, string name, Func<int, string> title, Func<LogEvent, string> what)
    {
        var matching = events.Where(e => e.Kind == kind).ToList();
        if (matching.Count == 0) return;
        var distinct = matching.Select(what).Distinct().Take(3);
        var finding = new Finding(severity, name, "log", $"{title(matching.Count)}: {string.Join("; ", distinct)}");
        foreach (var e in matching.Take(MaxEvidence))
        {
            finding.Evidence.Add(e.Line.Display);
            if (e.Rip is { } rip) finding.Evidence.Add($"  RIP: {rip}");
            if (e.Trace.Count > 0) finding.Evidence.Add("  Call Trace: " + TaskFacts.Chain(e.Trace.Where(f => f.Reliable).Select(f => f.Function)));
        }
        if (matching.Count > MaxEvidence) finding.Evidence.Add($"… and {matching.Count - MaxEvidence} more");
        if (matching.FirstOrDefault(e => e.Pid is not null || e["pid"] is not null) is { } withPid)
            finding.Leads("backtrace", $"bt {withPid.Pid?.ToString(CultureInfo.InvariantCulture) ?? withPid["pid"]}");
        context.Findings.Add(finding.Leads("kernel log", "log"));
    }

    // "COMM invoked oom-killer: gfp_mask…, order=N" comes before its "Killed process" line.
    private static void OomKills(TriageContext context, IReadOnlyList<LogEvent> events)
    {
        var kills = events.Where(e => e.Kind == LogEventKind.OomKill).ToList();
        if (kills.Count == 0) return;
        var last = kills[^1];
        var invoked = context.Events.LastOrDefault(e => e.Kind == LogEventKind.OomInvoked && e.Line.Index < last.Line.Index);
        long Kb(string key) => long.TryParse(last[key], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : 0;
        long rss = Kb("anon_rss_kb") + Kb("file_rss_kb") + Kb("shmem_rss_kb");
        var title = $"OOM kill{(kills.Count > 1 ? $" ({kills.Count} kills)" : "")}: PID {last["pid"]} ({last["comm"]}), RSS {rss} kB"
            + (invoked is not null ? $"; {invoked["comm"]} asked for order {invoked["order"]}, gfp_mask {invoked["gfp_mask"]}({invoked["gfp_flags"]})" : "");
        var finding = new Finding(Severity.Error, "oom_kill", "log", title);
        if (invoked is not null) finding.Evidence.Add(invoked.Line.Display);
        foreach (var kill in kills.TakeLast(MaxEvidence)) finding.Evidence.Add(kill.Line.Display);
        finding.Evidence.Add(last["scope"] == "Memory cgroup out of memory" ? "scope: a memory cgroup's limit" : "scope: the whole system");
        context.Findings.Add(finding.Leads("kernel log", "log").Leads("memory usage", "kmem -i").Leads("tasks", "ps"));
    }
}
