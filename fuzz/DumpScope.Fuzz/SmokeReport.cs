namespace DumpScope.Fuzz;

/// <summary>What one smoke pass of a harness did.</summary>
/// <param name="Harness">The harness name.</param>
/// <param name="CorpusInputs">Corpus files run as they are.</param>
/// <param name="Executions">All inputs run (corpus plus mutations).</param>
/// <param name="Elapsed">Wall time.</param>
/// <param name="Findings">Crashes and hangs (a hang stops the pass: its thread cannot be reclaimed).</param>
public sealed record SmokeReport(string Harness, int CorpusInputs, int Executions, TimeSpan Elapsed, IReadOnlyList<SmokeFinding> Findings)
{
    /// <summary>The longest single input (slow inputs over a quarter of the hang timeout are saved as slow-*).</summary>
    public TimeSpan Slowest { get; init; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Harness}: {Executions} executions ({CorpusInputs} corpus inputs) in {Elapsed.TotalSeconds:0.0} s (slowest input {Slowest.TotalMilliseconds:0} ms), {Findings.Count} finding(s)"
        + string.Concat(Findings.Select(f => $"\n  {f.What}" + (f.SavedTo is null ? "" : $"\n  input: {f.SavedTo}")));
}
