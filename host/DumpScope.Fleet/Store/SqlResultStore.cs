using System.Data;
using System.Data.Common;
using DumpScope.Fleet.Triage;

namespace DumpScope.Fleet.Store;

/// <summary>
/// The results store over ADO.NET, shared by both databases: the statements are the SQL both speak (named
/// parameters, INSERT … ON CONFLICT, RETURNING); a dialect only opens connections, names the key column type and
/// serialises migrations. A connection per operation (both providers pool them), so a worker survives a database restart.
/// </summary>
public abstract class SqlResultStore : IResultStore
{
    private readonly Lock _writes = new();

    /// <inheritdoc/>
    public abstract string Kind { get; }

    /// <inheritdoc/>
    public abstract string Describe { get; }

    /// <summary>The column type of an auto-numbered 64-bit primary key.</summary>
    protected abstract string IdColumn { get; }

    /// <summary>True when writes from this process must take turns (SQLite has one writer at a time).</summary>
    protected virtual bool SerializeWrites => false;

    /// <summary>An open connection.</summary>
    protected abstract DbConnection Open();

    /// <summary>Makes a concurrent migration of the same database wait for this one (inside <paramref name="transaction"/>).</summary>
    protected abstract void LockForMigration(DbConnection connection, DbTransaction transaction);

    /// <summary>
    /// Brings the schema to the newest of <paramref name="steps"/> in ONE transaction: either every missing step is
    /// applied and recorded in schema_version, or (on any error) none is; a database newer than the steps is refused.
    /// Returns the version reached.
    /// </summary>
    public int Migrate(IReadOnlyList<Migration>? steps = null)
    {
        steps ??= Migrations.All;
        for (int i = 0; i < steps.Count; i++)
            if (steps[i].Version != i + 1) throw new InvalidOperationException($"migration {i + 1} is numbered {steps[i].Version}: versions run 1, 2, … without gaps");
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        LockForMigration(connection, transaction);
        Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)");
        int current = CurrentVersion(connection, transaction);
        if (current > steps.Count)
            throw new InvalidDataException($"{Describe}: the results database is at schema version {current}, this dumpscope knows versions up to {steps.Count}: use a newer dumpscope");
        foreach (var step in steps.Skip(current))
        {
            foreach (var statement in step.Statements) Execute(connection, transaction, statement.Replace("{id}", IdColumn, StringComparison.Ordinal));
            Execute(connection, transaction, "INSERT INTO schema_version (version, description, applied_at) VALUES (@v, @d, @t)",
                ("v", step.Version), ("d", step.Description), ("t", Now()));
        }
        transaction.Commit();
        return Math.Max(current, steps.Count);
    }

    /// <inheritdoc/>
    public int SchemaVersion()
    {
        using var connection = Open();
        try
        {
            return CurrentVersion(connection, null);
        }
        catch (DbException)
        {
            return 0; // no schema_version table yet
        }
    }

    private static int CurrentVersion(DbConnection connection, DbTransaction? transaction)
    {
        using var command = Command(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_version");
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public bool Record(TriageRecord record)
    {
        if (SerializeWrites)
            lock (_writes) return RecordOnce(record);
        return RecordOnce(record);
    }

    private bool RecordOnce(TriageRecord record)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var d = record.Dump;
        // A dump seen again keeps its first path and fills in facts an earlier (failed) run could not read.
        Execute(connection, transaction, """
            INSERT INTO dumps (hash, path, size, kernel_release, build_id, host, dump_time, capture_format, first_triaged)
            VALUES (@hash, @path, @size, @release, @build, @host, @time, @format, @now)
            ON CONFLICT (hash) DO UPDATE SET
                kernel_release = COALESCE(dumps.kernel_release, excluded.kernel_release),
                build_id = COALESCE(dumps.build_id, excluded.build_id),
                host = COALESCE(dumps.host, excluded.host),
                dump_time = COALESCE(dumps.dump_time, excluded.dump_time),
                capture_format = COALESCE(dumps.capture_format, excluded.capture_format)
            """,
            ("hash", d.Hash), ("path", d.Path), ("size", d.Size), ("release", d.KernelRelease), ("build", d.BuildId), ("host", d.Host),
            ("time", d.DumpTime), ("format", d.CaptureFormat), ("now", record.StartedAt));
        if (record.Signature is { } signature)
            Execute(connection, transaction, """
                INSERT INTO signatures (signature, title, stopped_by, first_recorded) VALUES (@s, @title, @stopped, @now)
                ON CONFLICT (signature) DO NOTHING
                """, ("s", signature), ("title", record.Title ?? signature), ("stopped", record.StoppedBy), ("now", record.StartedAt));
        object? id;
        using (var insert = Command(connection, transaction, """
            INSERT INTO triage_runs (job_key, dump_hash, path, tool_version, started_at, duration_ms, status, error, signature, runner)
            VALUES (@key, @hash, @path, @version, @started, @ms, @status, @error, @signature, @runner)
            ON CONFLICT (job_key) DO NOTHING
            RETURNING id
            """,
            ("key", record.JobKey), ("hash", d.Hash), ("path", d.Path), ("version", record.ToolVersion), ("started", record.StartedAt),
            ("ms", record.DurationMs), ("status", record.Status.Name()), ("error", record.Error), ("signature", record.Signature), ("runner", record.Runner)))
            id = insert.ExecuteScalar();
        if (id is null or DBNull)
        {
            transaction.Rollback();
            return false;
        }
        long runId = Convert.ToInt64(id, CultureInfo.InvariantCulture);
        foreach (var f in record.Findings)
            Execute(connection, transaction, "INSERT INTO findings (run_id, rank, severity, kind, title, source) VALUES (@run, @rank, @severity, @kind, @title, @source)",
                ("run", runId), ("rank", f.Rank), ("severity", f.Severity), ("kind", f.Kind), ("title", f.Title), ("source", f.Source));
        transaction.Commit();
        return true;
    }

    private const string RunColumns = """
        d.hash, d.path, d.size, d.kernel_release, d.build_id, d.host, d.dump_time, d.capture_format,
        r.id, r.job_key, r.path, r.tool_version, r.started_at, r.duration_ms, r.status, r.error, r.signature, s.title, s.stopped_by, r.runner
        """;

    private const string RunJoins = "FROM triage_runs r JOIN dumps d ON d.hash = r.dump_hash LEFT JOIN signatures s ON s.signature = r.signature";

    /// <inheritdoc/>
    public TriageRecord? Latest(string hash)
    {
        using var connection = Open();
        var runs = Query(connection, $"SELECT {RunColumns} {RunJoins} WHERE r.dump_hash = @hash ORDER BY r.id DESC LIMIT 1", ("hash", hash));
        if (runs.Count == 0) return null;
        var (runId, run) = runs[0];
        var findings = new List<FindingRecord>();
        using (var command = Command(connection, null, "SELECT rank, severity, kind, title, source FROM findings WHERE run_id = @run ORDER BY rank", ("run", runId)))
        using (var reader = command.ExecuteReader())
            while (reader.Read())
                findings.Add(new FindingRecord(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), NullableString(reader, 4)));
        return run with { Findings = findings };
    }

    /// <inheritdoc/>
    public IReadOnlyList<TriageRecord> CurrentRuns()
    {
        using var connection = Open();
        // A dump's answer is its latest ok run; a dump never triaged ok is represented by its latest failure.
        return Query(connection, $"""
            SELECT {RunColumns} {RunJoins}
            WHERE r.id = (SELECT r2.id FROM triage_runs r2 WHERE r2.dump_hash = r.dump_hash
                          ORDER BY CASE WHEN r2.status = 'ok' THEN 0 ELSE 1 END, r2.id DESC LIMIT 1)
            ORDER BY d.hash
            """).Select(r => r.Record).ToList();
    }

    /// <inheritdoc/>
    public long RunCount()
    {
        using var connection = Open();
        using var command = Command(connection, null, "SELECT COUNT(*) FROM triage_runs");
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static List<(long RunId, TriageRecord Record)> Query(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var list = new List<(long, TriageRecord)>();
        using var command = Command(connection, null, sql, parameters);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var dump = new DumpFacts(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), NullableString(reader, 3), NullableString(reader, 4),
                NullableString(reader, 5), NullableString(reader, 6), NullableString(reader, 7));
            list.Add((reader.GetInt64(8), new TriageRecord
            {
                Dump = dump with { Path = reader.GetString(10) },
                JobKey = reader.GetString(9), ToolVersion = reader.GetString(11), StartedAt = reader.GetString(12), DurationMs = reader.GetInt64(13),
                Status = TriageStatuses.Parse(reader.GetString(14)), Error = NullableString(reader, 15), Signature = NullableString(reader, 16),
                Title = NullableString(reader, 17), StoppedBy = NullableString(reader, 18), Runner = NullableString(reader, 19),
            }));
        }
        return list;
    }

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    /// <summary>Runs one statement.</summary>
    protected static void Execute(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, transaction, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            p.Value = value ?? DBNull.Value;
            if (value is null) p.DbType = DbType.String;
            command.Parameters.Add(p);
        }
        return command;
    }

    /// <summary>Now, as the schema writes times.</summary>
    public static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public virtual void Dispose() => GC.SuppressFinalize(this);
}
