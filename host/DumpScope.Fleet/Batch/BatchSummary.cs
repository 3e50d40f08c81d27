namespace DumpScope.Fleet.Batch;

/// <summary>What a batch did: dumps triaged ok, failed (or timed out), skipped as already triaged, and its wall time.</summary>
public sealed record BatchSummary(int Ok, int Failed, int Skipped, TimeSpan Elapsed)
{
    /// <summary>Dumps triaged (not skipped) per second of wall time.</summary>
    public double PerSecond => Elapsed.TotalSeconds > 0 ? (Ok + Failed) / Elapsed.TotalSeconds : 0;
}
