using Npgsql;

namespace DumpScope.Fleet.Store;

/// <summary>Opens the results store a <c>--db</c> value names, migrated to the current schema.</summary>
public static class ResultStores
{
    /// <summary>The default database: fleet.db in the user's data folder ($XDG_DATA_HOME/dumpscope, else ~/.local/share/dumpscope).</summary>
    public static string DefaultPath =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } data ? data
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share"), "dumpscope", "fleet.db");

    /// <summary>True when <paramref name="db"/> is a PostgreSQL connection string (postgres:// URI or Host=… keywords).</summary>
    public static bool IsPostgres(string? db) =>
        db is not null && (db.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || db.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
                           || (db.Contains('=') && db.Contains("host", StringComparison.OrdinalIgnoreCase)));

    /// <summary>
    /// The store for <paramref name="db"/>: null → the default SQLite file, a connection string → PostgreSQL, anything
    /// else → a SQLite file at that path. Migrated before it is returned.
    /// </summary>
    public static SqlResultStore Open(string? db)
    {
        SqlResultStore store = IsPostgres(db) ? new PostgresResultStore(NpgsqlConnectionString(db!)) : new SqliteResultStore(db ?? DefaultPath);
        try
        {
            store.Migrate();
            return store;
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>An Npgsql connection string for a URI (postgres://user:password@host:port/database?k=v) or keywords as given.</summary>
    public static string NpgsqlConnectionString(string db)
    {
        if (!db.Contains("://", StringComparison.Ordinal)) return db;
        var uri = new Uri(db);
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host, Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port };
        var user = uri.UserInfo.Split(':', 2);
        if (user[0].Length > 0) builder.Username = Uri.UnescapeDataString(user[0]);
        if (user.Length > 1) builder.Password = Uri.UnescapeDataString(user[1]);
        if (uri.AbsolutePath.Trim('/') is { Length: > 0 } database) builder.Database = Uri.UnescapeDataString(database);
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            builder[Uri.UnescapeDataString(kv[0])] = kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : "";
        }
        return builder.ConnectionString;
    }
}
