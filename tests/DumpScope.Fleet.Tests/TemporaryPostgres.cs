using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace DumpScope.Fleet.Tests;

/// <summary>
/// A throwaway PostgreSQL cluster for the tests: Debian's server binaries (/usr/lib/postgresql/N/bin; .ci/run installs
/// the postgresql package), initdb into a temporary folder, started with pg_ctl on a free localhost port, trust
/// authentication, no fsync; stopped and deleted when the test run ends. initdb refuses to run as root, so as root the
/// cluster runs as the postgres user (runuser). Without the binaries the tests that need it skip with the reason, and
/// fail under CI (<c>CI=true</c>), which must have tested against a real server.
/// </summary>
public sealed class TemporaryPostgres : IDisposable
{
    private static readonly Lazy<(TemporaryPostgres? Server, string? Problem)> Shared = new(StartShared);
    private static int _databases;
    private readonly string _dir;
    private readonly string _bin;
    private readonly bool _asPostgres;

    private TemporaryPostgres(string dir, string bin, bool asPostgres, int port)
    {
        _dir = dir;
        _bin = bin;
        _asPostgres = asPostgres;
        Port = port;
    }

    /// <summary>The server's port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>The shared cluster, or a skip with the reason (a failure under CI).</summary>
    public static TemporaryPostgres Require()
    {
        var (server, problem) = Shared.Value;
        if (server is not null) return server;
        if (Fixtures.UnderCi) throw new InvalidOperationException($"CI=true but no PostgreSQL could be started: {problem}");
        Skip.If(true, $"SKIPPED LOUDLY: no PostgreSQL for the fleet tests: {problem} (apt-get install postgresql)");
        return null!;
    }

    /// <summary>A new empty database on the cluster; its Npgsql connection string.</summary>
    public string CreateDatabase(string prefix)
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}_{Environment.ProcessId}";
        using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            command.ExecuteNonQuery();
        }
        return ConnectionString(name);
    }

    private string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "dumpscope", Database = database, Pooling = true }.ConnectionString;

    private static (TemporaryPostgres?, string?) StartShared()
    {
        try
        {
            var server = Start();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
            return (server, null);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            return (null, e.Message);
        }
    }

    private static TemporaryPostgres Start()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb"))).OrderByDescending(b => b, StringComparer.Ordinal).FirstOrDefault()
            : null;
        if (bin is null) throw new InvalidOperationException("no /usr/lib/postgresql/*/bin/initdb");
        bool root = Environment.UserName == "root";
        if (root && !File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser")) throw new InvalidOperationException("running as root and runuser is missing: initdb refuses root");
        var dir = Directory.CreateTempSubdirectory("dumpscope-pg-").FullName;
        var server = new TemporaryPostgres(dir, bin, root, FreePort());
        try
        {
            if (root) Run("chown", ["-R", "postgres:postgres", dir], asPostgres: false);
            server.Run(Path.Combine(bin, "initdb"), ["-D", Path.Combine(dir, "data"), "-U", "dumpscope", "--auth=trust", "-E", "UTF8", "--no-sync"]);
            server.Run(Path.Combine(bin, "pg_ctl"), ["-D", Path.Combine(dir, "data"), "-l", Path.Combine(dir, "server.log"), "-w", "-t", "60",
                "-o", $"-p {server.Port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start"]);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    private void Run(string file, string[] arguments) => Run(file, arguments, _asPostgres);

    private static void Run(string file, string[] arguments, bool asPostgres)
    {
        var start = asPostgres ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", file, .. arguments]) : new ProcessStartInfo(file, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(file)} did not finish in 120 s");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed (exit {process.ExitCode}): {error.Result.Trim()} {output.Result.Trim()}".Trim());
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Stops the server (immediate: the data is thrown away) and deletes its folder.</summary>
    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (File.Exists(Path.Combine(_dir, "data", "postmaster.pid")))
                Run(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop"]);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException) { }
        try { Directory.Delete(_dir, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
