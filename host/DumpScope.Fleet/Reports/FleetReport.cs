using DumpScope.Fleet.Triage;

namespace DumpScope.Fleet.Reports;

/// <summary>
/// The fleet's crashes from every dump's current answer (<see cref="Store.IResultStore.CurrentRuns"/>): signatures
/// ranked by dumps, the dumps that could not be triaged, and the counts per day and per kernel the charts draw.
/// Everything is ordered by value, never by database order, so SQLite and PostgreSQL give the same report.
/// </summary>
public sealed class FleetReport
{
    /// <summary>The dumps in the store.</summary>
    public required int Dumps { get; init; }
    /// <summary>Dumps triaged ok.</summary>
    public required int Triaged { get; init; }
    /// <summary>Dumps triaged ok that show no crash (a dump of a running kernel).</summary>
    public required int WithoutSignature { get; init; }
    /// <summary>Signatures, most dumps first.</summary>
    public required IReadOnlyList<SignatureSummary> Signatures { get; init; }
    /// <summary>Dumps never triaged ok (their latest failure), by path.</summary>
    public required IReadOnlyList<TriageRecord> Failed { get; init; }
    /// <summary>The current runs with a signature (for per-day and per-kernel counts and <c>fleet show</c>).</summary>
    public required IReadOnlyList<TriageRecord> Crashes { get; init; }

    /// <summary>Builds the report.</summary>
    public static FleetReport Build(IReadOnlyList<TriageRecord> current)
    {
        var crashes = current.Where(r => r.Status == TriageStatus.Ok && r.Signature is not null).ToList();
        var signatures = crashes.GroupBy(r => r.Signature!, StringComparer.Ordinal).Select(g =>
        {
            var byTime = g.OrderBy(r => r.Dump.DumpTime ?? "~", StringComparer.Ordinal).ThenBy(r => r.Dump.Path, StringComparer.Ordinal).ToList();
            var times = g.Select(r => r.Dump.DumpTime).OfType<string>().Order(StringComparer.Ordinal).ToList();
            return new SignatureSummary
            {
                Signature = g.Key,
                Title = byTime[0].Title ?? g.Key,
                StoppedBy = byTime[0].StoppedBy,
                Dumps = g.Count(),
                FirstSeen = times.FirstOrDefault(),
                LastSeen = times.LastOrDefault(),
                Kernels = Distinct(g.Select(r => r.Dump.KernelRelease)),
                Hosts = Distinct(g.Select(r => r.Dump.Host)),
                ExamplePath = byTime[0].Dump.Path,
                ExampleHash = byTime[0].Dump.Hash,
            };
        }).OrderByDescending(s => s.Dumps).ThenByDescending(s => s.LastSeen ?? "", StringComparer.Ordinal).ThenBy(s => s.Signature, StringComparer.Ordinal).ToList();
        return new FleetReport
        {
            Dumps = current.Count,
            Triaged = current.Count(r => r.Status == TriageStatus.Ok),
            WithoutSignature = current.Count(r => r.Status == TriageStatus.Ok && r.Signature is null),
            Signatures = signatures,
            Failed = current.Where(r => r.Status != TriageStatus.Ok).OrderBy(r => r.Dump.Path, StringComparer.Ordinal).ThenBy(r => r.Dump.Hash, StringComparer.Ordinal).ToList(),
            Crashes = crashes.OrderBy(r => r.Dump.DumpTime ?? "~", StringComparer.Ordinal).ThenBy(r => r.Dump.Path, StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>The signature <paramref name="prefix"/> names (the whole signature, or a prefix of exactly one), else null and the reason.</summary>
    public (SignatureSummary? Summary, string? Problem) Find(string prefix)
    {
        var exact = Signatures.FirstOrDefault(s => s.Signature == prefix);
        if (exact is not null) return (exact, null);
        var matches = Signatures.Where(s => s.Signature.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        return matches.Count switch
        {
            1 => (matches[0], null),
            0 => (null, $"no signature {prefix} in the results database ({Signatures.Count} signatures; `dumpscope fleet` lists them)"),
            _ => (null, $"{prefix} is the start of {matches.Count} signatures: {string.Join(", ", matches.Select(m => m.Signature))}"),
        };
    }

    private static IReadOnlyList<string> Distinct(IEnumerable<string?> values) =>
        values.OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
