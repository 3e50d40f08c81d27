using DumpScope.Fleet.Triage;

namespace DumpScope.Fleet.Store;

/// <summary>
/// The triage results of many dumps: SQLite on one machine, PostgreSQL shared by workers; one schema
/// (<see cref="Migrations"/>). Holds facts about dumps and the triage answers, never a dump's contents.
/// </summary>
public interface IResultStore : IDisposable
{
    /// <summary>"sqlite" or "postgresql".</summary>
    string Kind { get; }

    /// <summary>Where it is, without a password (for messages).</summary>
    string Describe { get; }

    /// <summary>The schema version the database is at.</summary>
    int SchemaVersion();

    /// <summary>
    /// Records one run (its dump, signature and findings) in one transaction; false when a run with the same
    /// <see cref="TriageRecord.JobKey"/> is already recorded (then nothing is written).
    /// </summary>
    bool Record(TriageRecord record);

    /// <summary>The latest run of the dump with this hash, or null when it was never triaged.</summary>
    TriageRecord? Latest(string hash);

    /// <summary>Every dump's current answer: its latest run (latest ok run when it has one), for reports.</summary>
    IReadOnlyList<TriageRecord> CurrentRuns();

    /// <summary>How many runs are recorded, and under how many distinct job keys (equal, by the schema).</summary>
    long RunCount();
}
