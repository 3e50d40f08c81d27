namespace DumpScope.Fleet.Triage;

/// <summary>How one triage run of one dump ended (stored as the lower-case name: ok, failed, timed_out).</summary>
public enum TriageStatus
{
    /// <summary>The triage command answered.</summary>
    Ok,
    /// <summary>The dump could not be opened or triaged (corrupt, truncated, not a dump); the reason is kept.</summary>
    Failed,
    /// <summary>The child process ran past the per-dump time limit and was killed.</summary>
    TimedOut,
}

/// <summary>The stored and printed names of <see cref="TriageStatus"/>.</summary>
public static class TriageStatuses
{
    /// <summary>"ok", "failed" or "timed_out".</summary>
    public static string Name(this TriageStatus status) => status switch
    {
        TriageStatus.Ok => "ok",
        TriageStatus.Failed => "failed",
        _ => "timed_out",
    };

    /// <summary>The status named <paramref name="name"/>.</summary>
    public static TriageStatus Parse(string name) => name switch
    {
        "ok" => TriageStatus.Ok,
        "failed" => TriageStatus.Failed,
        "timed_out" => TriageStatus.TimedOut,
        _ => throw new InvalidDataException($"unknown triage status '{name}' in the results database"),
    };
}
