using DumpScope.Fleet.Store;
using DumpScope.Fleet.Triage;

namespace DumpScope.Fleet.Tests;

/// <summary>Both results databases for the same test: a SQLite file in a folder, or a new database on the test cluster.</summary>
internal static class StoreKinds
{
    public static TheoryData<string> Both => new() { "sqlite", "postgresql" };

    /// <summary>The --db value of an empty database of <paramref name="kind"/>.</summary>
    public static string NewDb(string kind, string dir) =>
        kind == "sqlite" ? Path.Combine(dir, $"{Guid.NewGuid():N}.db") : TemporaryPostgres.Require().CreateDatabase("store");

    /// <summary>An unmigrated store of <paramref name="kind"/>.</summary>
    public static SqlResultStore Unmigrated(string kind, string dir)
    {
        var db = NewDb(kind, dir);
        return kind == "sqlite" ? new SqliteResultStore(db) : new PostgresResultStore(db);
    }

    /// <summary>A synthetic run of a dump.</summary>
    public static TriageRecord Run(string hash, string key, TriageStatus status = TriageStatus.Ok, string? signature = "v1:0123456789abcdef", string time = "2026-11-29T00:48:49Z") => new()
    {
        Dump = new DumpFacts(hash, $"/dumps/{hash[^4..]}", 4096, "6.1.0-56-cloud-amd64", Host: "web-1", DumpTime: time, CaptureFormat: "ELF"),
        JobKey = key,
        ToolVersion = "test",
        StartedAt = "2026-12-01T10:00:00Z",
        DurationMs = 1200,
        Status = status,
        Error = status == TriageStatus.Ok ? null : "not a kernel dump",
        Signature = status == TriageStatus.Ok ? signature : null,
        Title = signature is null ? null : "Kernel panic - not syncing: sysrq triggered crash",
        StoppedBy = "sysrq_crash",
        Findings = status == TriageStatus.Ok ? [new FindingRecord(1, "critical", "crash", "Kernel panic", "log"), new FindingRecord(2, "info", "memory", "memory: fine", "vm_stat")] : [],
    };
}
