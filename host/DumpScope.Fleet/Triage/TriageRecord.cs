namespace DumpScope.Fleet.Triage;

/// <summary>One triage run of one dump: the dump's facts, how the run went, and its answer.</summary>
public sealed record TriageRecord
{
    /// <summary>The dump.</summary>
    public required DumpFacts Dump { get; init; }
    /// <summary>
    /// What makes a run unique (the <c>triage_runs.job_key</c>): a second write with the same key is ignored, so a
    /// retried job or two batches racing on one dump record it once. "batch:HASH" (or with a time under --force),
    /// "hangfire:JOBID".
    /// </summary>
    public required string JobKey { get; init; }
    /// <summary>dumpscope's version (and commit) that triaged it.</summary>
    public required string ToolVersion { get; init; }
    /// <summary>When the run started, ISO 8601 UTC.</summary>
    public required string StartedAt { get; init; }
    /// <summary>How long the child process ran.</summary>
    public required long DurationMs { get; init; }
    /// <summary>ok, failed or timed out.</summary>
    public required TriageStatus Status { get; init; }
    /// <summary>Why it failed, one line (null when ok).</summary>
    public string? Error { get; init; }
    /// <summary>The crash signature ("v1:…"), null without a crash.</summary>
    public string? Signature { get; init; }
    /// <summary>The crash finding's title (the panic and its cause), the signature's readable name.</summary>
    public string? Title { get; init; }
    /// <summary>What stopped the kernel (triage's stopped_by).</summary>
    public string? StoppedBy { get; init; }
    /// <summary>The findings, most severe first.</summary>
    public IReadOnlyList<FindingRecord> Findings { get; init; } = [];
    /// <summary>Where it ran (the batch's host, or the Hangfire server).</summary>
    public string? Runner { get; init; }
}
