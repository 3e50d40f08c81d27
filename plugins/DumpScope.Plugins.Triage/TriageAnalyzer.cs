using System.Diagnostics;
using DumpScope.Plugins.Triage.Findings;
using DumpScope.Plugins.Triage.Sources;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Triage;

/// <summary>
/// The triage plugin's service: runs every finding source over the open dump, each timed, each on its own (a
/// source that fails on bad data becomes a finding that says so, and the others go on), and ranks the findings.
/// </summary>
public sealed class TriageAnalyzer(IServiceProvider services)
{
    private static readonly (string Name, Action<TriageContext> Run)[] Sources =
    [
        ("system", SystemSource.Run),
        ("log", ReadLog),
        ("panic", PanicSource.Run),
        ("taint", TaintSource.Run),
        ("log_events", LogEventSource.Run),
        ("hung_tasks", HungTaskSource.Run),
        ("memory", MemorySource.Run),
        ("rss", RssSource.Run),
    ];

    /// <summary>The names of the finding sources, in the order they run.</summary>
    public static IReadOnlyList<string> SourceNames { get; } = Sources.Select(s => s.Name).ToArray();

    /// <summary>The open dump's kernel.</summary>
    public IKernel Kernel => services.GetService<IKernel>() ?? throw new NoDumpException();

    /// <summary>Triage of the open dump.</summary>
    public TriageReport Analyze(CancellationToken cancellation = default) => Analyze(Kernel, cancellation);

    /// <summary>Triage of <paramref name="kernel"/>.</summary>
    public static TriageReport Analyze(IKernel kernel, CancellationToken cancellation = default) => Analyze(new TriageContext(kernel, cancellation));

    /// <summary>Triage over a prepared context (tests give the log as lines).</summary>
    internal static TriageReport Analyze(TriageContext context)
    {
        var cancellation = context.Cancellation;
        var timings = new List<(string, double)>();
        foreach (var (name, run) in Sources)
        {
            cancellation.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            try
            {
                run(context);
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                context.Findings.Add(new Finding(Severity.Warning, "source_failed", name, $"the {name} source failed: {KernelDataErrors.Reason(e)}"));
            }
            timings.Add((name, clock.Elapsed.TotalMilliseconds));
        }
        var ranked = context.Findings.Select((f, i) => (f, i)).OrderBy(x => x.f.Severity).ThenBy(x => x.i).Select(x => x.f).ToList();
        return new TriageReport(ranked, context.Summary, context.Details, context.Signature, timings, context.Warnings, context.Charts);
    }

    // Reading and scanning the log is its own source: the others only look at what it found.
    private static void ReadLog(TriageContext context) => _ = context.Events.Count;
}
