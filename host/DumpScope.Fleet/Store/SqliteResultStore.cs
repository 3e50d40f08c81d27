using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace DumpScope.Fleet.Store;

/// <summary>The embedded results store: one SQLite file (WAL, foreign keys on, writers of this process take turns).</summary>
public sealed class SqliteResultStore : SqlResultStore
{
    private readonly string _connectionString;

    /// <summary>Opens (creating) the database file at <paramref name="path"/>; call <see cref="SqlResultStore.Migrate"/> next.</summary>
    public SqliteResultStore(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        if (System.IO.Path.GetDirectoryName(Path) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, ForeignKeys = true, DefaultTimeout = 60, Pooling = true }.ToString();
        using var connection = Open();
        using var wal = connection.CreateCommand();
        // Readers (fleet) do not block the batch's writer, and a crash mid-write leaves the last commit intact.
        wal.CommandText = "PRAGMA journal_mode=WAL";
        wal.ExecuteNonQuery();
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public override string Kind => "sqlite";

    /// <inheritdoc/>
    public override string Describe => Path;

    /// <inheritdoc/>
    protected override string IdColumn => "INTEGER PRIMARY KEY";

    /// <inheritdoc/>
    protected override bool SerializeWrites => true;

    /// <inheritdoc/>
    protected override DbConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Microsoft.Data.Sqlite begins transactions IMMEDIATE: the migrating connection already holds the write lock.</summary>
    protected override void LockForMigration(DbConnection connection, DbTransaction transaction) { }

    /// <inheritdoc/>
    public override void Dispose()
    {
        // Pooled connections keep the file open (and its -wal/-shm files); a test deleting the folder needs them closed.
        SqliteConnection.ClearAllPools();
        base.Dispose();
    }
}
