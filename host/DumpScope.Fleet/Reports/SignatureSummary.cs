namespace DumpScope.Fleet.Reports;

/// <summary>One crash signature across the fleet: how many dumps, when, where, and one dump to open.</summary>
public sealed record SignatureSummary
{
    /// <summary>"v1:…".</summary>
    public required string Signature { get; init; }
    /// <summary>The crash as triage titles it.</summary>
    public required string Title { get; init; }
    /// <summary>What stopped the kernel.</summary>
    public string? StoppedBy { get; init; }
    /// <summary>Distinct dumps (by content hash) whose current answer has this signature.</summary>
    public required int Dumps { get; init; }
    /// <summary>Earliest and latest crash time (ISO 8601 UTC), null when no dump has one.</summary>
    public string? FirstSeen { get; init; }
    /// <summary>Latest crash time.</summary>
    public string? LastSeen { get; init; }
    /// <summary>Kernel releases affected, sorted.</summary>
    public required IReadOnlyList<string> Kernels { get; init; }
    /// <summary>Host names affected, sorted.</summary>
    public required IReadOnlyList<string> Hosts { get; init; }
    /// <summary>The earliest dump of it: path and hash.</summary>
    public required string ExamplePath { get; init; }
    /// <summary>The example's content hash.</summary>
    public required string ExampleHash { get; init; }
}
