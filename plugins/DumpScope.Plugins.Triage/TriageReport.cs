using DumpScope.Plugins.Triage.Findings;

namespace DumpScope.Plugins.Triage;

/// <summary>The outcome of one triage: ranked findings, the summary facts, detail tables, the signature, and how long each source took.</summary>
/// <param name="Findings">Most severe first; within a severity, in the order the sources found them.</param>
/// <param name="Summary">The summary record's fields.</param>
/// <param name="Details">Detail tables.</param>
/// <param name="Signature">The crash signature, when one could be made.</param>
/// <param name="Timings">Milliseconds per finding source, in the order they ran.</param>
/// <param name="Warnings">Problems that belong to no finding.</param>
/// <param name="Charts">Memory breakdown, top slab caches, task states: drawn where the output can draw.</param>
public sealed record TriageReport(IReadOnlyList<Finding> Findings, IReadOnlyList<RecordField> Summary, IReadOnlyList<ResultBlock> Details,
    CrashSignature? Signature, IReadOnlyList<(string Source, double Milliseconds)> Timings, IReadOnlyList<string> Warnings,
    IReadOnlyList<ChartBlock> Charts);
