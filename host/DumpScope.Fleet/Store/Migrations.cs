namespace DumpScope.Fleet.Store;

/// <summary>
/// The results schema, as versioned steps applied in order; a database records the steps it has in
/// <c>schema_version</c>. Times are ISO 8601 UTC text in both databases (they sort as times, and read back the same
/// from SQLite and PostgreSQL). A new step is appended here; a released step is never edited.
/// </summary>
public static class Migrations
{
    /// <summary>Every step, oldest first.</summary>
    public static readonly IReadOnlyList<Migration> All =
    [
        new(1, "dumps, signatures, triage runs, findings",
        [
            """
            CREATE TABLE dumps (
                hash TEXT PRIMARY KEY,
                path TEXT NOT NULL,
                size BIGINT NOT NULL,
                kernel_release TEXT,
                build_id TEXT,
                host TEXT,
                dump_time TEXT,
                capture_format TEXT,
                first_triaged TEXT NOT NULL)
            """,
            """
            CREATE TABLE signatures (
                signature TEXT PRIMARY KEY,
                title TEXT NOT NULL,
                stopped_by TEXT,
                first_recorded TEXT NOT NULL)
            """,
            """
            CREATE TABLE triage_runs (
                id {id},
                job_key TEXT NOT NULL UNIQUE,
                dump_hash TEXT NOT NULL REFERENCES dumps (hash),
                path TEXT NOT NULL,
                tool_version TEXT NOT NULL,
                started_at TEXT NOT NULL,
                duration_ms BIGINT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'timed_out')),
                error TEXT,
                signature TEXT REFERENCES signatures (signature),
                runner TEXT)
            """,
            "CREATE INDEX triage_runs_dump ON triage_runs (dump_hash, id)",
            """
            CREATE TABLE findings (
                run_id BIGINT NOT NULL REFERENCES triage_runs (id) ON DELETE CASCADE,
                rank INTEGER NOT NULL,
                severity TEXT NOT NULL,
                kind TEXT NOT NULL,
                title TEXT NOT NULL,
                source TEXT,
                PRIMARY KEY (run_id, rank))
            """,
        ]),
        new(2, "index runs by signature and dumps by crash time, for fleet reports",
        [
            "CREATE INDEX triage_runs_signature ON triage_runs (signature)",
            "CREATE INDEX dumps_dump_time ON dumps (dump_time)",
        ]),
    ];
}
