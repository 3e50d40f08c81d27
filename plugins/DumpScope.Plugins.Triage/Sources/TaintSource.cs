using DumpScope.Plugins.Triage.Findings;
using DumpScope.Sdk.Linux.Panic;

namespace DumpScope.Plugins.Triage.Sources;

/// <summary>The taint flags of <c>tainted_mask</c>, the modules that set them (<c>module->taints</c>), checked against the log's "Tainted:" field.</summary>
internal static class TaintSource
{
    public static void Run(TriageContext context)
    {
        var mask = Taints.GetTaint(context.Kernel, out var problem);
        var logHeader = new[] { context.CauseEvent, context.StopEvent }.FirstOrDefault(e => e?.Tainted is not null)
            ?? context.Events.LastOrDefault(e => e.Tainted is not null);
        string? logLetters = logHeader?.Tainted;
        if (mask is not { } m)
        {
            context.AddSummary("TAINT", "taint", Cell.Unreadable(problem ?? "tainted_mask unreadable"));
            context.Findings.Add(new Finding(Severity.Warning, "taint", "tainted_mask", $"tainted_mask unreadable: {problem}")
                .With(logLetters is null ? [] : [$"the log says: {(logLetters.Length == 0 ? "Not tainted" : "Tainted: " + logLetters)} ({logHeader!.Header!.Display})"]));
            return;
        }
        string letters = Taints.Letters(m);
        context.AddSummary("TAINT", "taint", Cell.Text(letters.Length == 0 ? "not tainted" : letters).Displayed(letters.Length == 0 ? "not tainted" : $"{letters} (0x{m:x})"));
        bool agrees = logLetters is null || logLetters == letters;
        context.AddSummary("TAINT AGREES WITH LOG", "taint_agrees_with_log", logLetters is null ? Cell.NotAvailable("no \"Tainted:\" field in the log") : Cell.Bool(agrees));
        if (m == 0 && agrees) return;

        var finding = new Finding(letters.Length == 0 ? Severity.Info : Severity.Warning, "taint", "tainted_mask",
            letters.Length == 0 ? "not tainted" : $"kernel tainted {letters}: " + string.Join(", ", Taints.FlagsOf(m).Select(f => $"{f.Letter} {f.Meaning}")));
        finding.Evidence.Add($"tainted_mask = 0x{m:x}");
        foreach (var flag in Taints.FlagsOf(m).Where(f => f.ByModule))
        {
            var modules = context.Backtracer.Modules.Where(mod => mod.Taints is { } t && (t & (1UL << flag.Bit)) != 0).Select(mod => mod.Name).ToList();
            finding.Evidence.Add(modules.Count > 0
                ? $"{flag.Letter} ({flag.Name}) set by: {string.Join(", ", modules.Take(12))}{(modules.Count > 12 ? $" and {modules.Count - 12} more" : "")}"
                : $"{flag.Letter} ({flag.Name}): no loaded module carries it (set by a module since unloaded, or by the kernel itself)");
        }
        if (logLetters is not null)
            finding.Evidence.Add(agrees
                ? $"the log agrees: {logHeader!.Header!.Display.Trim()}"
                : $"the log's header says {(logLetters.Length == 0 ? "Not tainted" : "Tainted: " + logLetters)} ({logHeader!.Header!.Display.Trim()}): the mask changed after it was printed (an Oops adds D after its header)");
        finding.Leads("modules", "mod").Leads("kernel log", "log");
        context.Findings.Add(finding);
    }
}
