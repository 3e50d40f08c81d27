using System.Collections.Concurrent;
using System.Diagnostics;
using DumpScope.Fleet.Triage;
using Npgsql;
using Xunit.Abstractions;

namespace DumpScope.Fleet.Tests;

/// <summary>
/// submit and worker on a real PostgreSQL: 3 worker processes pull 30 jobs (kd1's copies submitted several times,
/// damaged copies) and one of them is SIGKILLed in the middle of a job; every job must end recorded exactly once.
/// </summary>
public sealed class WorkerReliabilityTests(ITestOutputHelper output) : TempFolderTest
{
    private readonly List<Process> _workers = [];

    public override void Dispose()
    {
        foreach (var w in _workers)
        {
            try { if (!w.HasExited) w.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            w.WaitForExit(10_000);
            w.Dispose();
        }
        base.Dispose();
    }

    [SkippableFact]
    public void A_worker_killed_mid_job_loses_nothing_and_every_job_is_recorded_once()
    {
        var db = TemporaryPostgres.Require().CreateDatabase("workers");
        var damaged = FleetDumps.Damaged(Dir.FullName, copies: 2);
        var real = Enumerable.Range(0, 8).SelectMany(_ => new[] { Fixtures.Kd1Zlib, Fixtures.Kd1Lzo, Fixtures.Kd1Flat }).ToList();
        var clock = Stopwatch.StartNew();

        // submit expands and sorts its paths: the same file given eight times is one job; submit in rounds instead.
        var jobs = new List<(string Job, string Path)>();
        foreach (var round in real.Chunk(3).Append(damaged.ToArray()))
        {
            var (exit, stdout, stderr) = FleetCli.Run(["submit", .. round, "--db", db]);
            exit.Should().Be(0, stderr);
            jobs.AddRange(FleetCli.Lines(stdout).Select(l => (l.GetProperty("job").GetString()!, l.GetProperty("path").GetString()!)));
        }
        jobs.Should().HaveCount(30);

        var started = new BlockingCollection<string>();
        for (int i = 0; i < 3; i++) _workers.Add(StartWorker(db, $"w{i}", i == 0 ? started : null));
        // Kill the first worker as soon as it has a job in hand (its child is triaging: a second or more of work).
        started.TryTake(out var killedLine, TimeSpan.FromMinutes(3)).Should().BeTrue("worker w0 starts a job");
        _workers[0].Kill();
        var killedJob = killedLine!.Split(' ')[3];
        output.WriteLine($"SIGKILLed w0 during job {killedJob} at {clock.Elapsed.TotalSeconds:0.0} s");

        // The job comes back after the (test-short) invisibility timeout; wait for all 30 to succeed, a hang bounded.
        var deadline = Stopwatch.StartNew();
        while (Count(db, "SELECT COUNT(*) FROM hangfire.job WHERE statename = 'Succeeded'") < 30 && deadline.Elapsed < TimeSpan.FromMinutes(4))
            Thread.Sleep(500);
        output.WriteLine($"30 jobs, 3 workers (one SIGKILLed): {clock.Elapsed.TotalSeconds:0.0} s wall time");

        Count(db, "SELECT COUNT(*) FROM hangfire.job WHERE statename = 'Succeeded'").Should().Be(30, "every job succeeded, the killed one on another worker");
        var runs = Runs(db);
        runs.Select(r => r.Key).Should().BeEquivalentTo(jobs.Select(j => $"hangfire:{j.Job}"), "each job recorded exactly once");
        runs.Single(r => r.Key == $"hangfire:{killedJob}").Runner.Should().NotBe("w0", "the killed worker recorded nothing; another one did");
        var byPath = jobs.ToDictionary(j => $"hangfire:{j.Job}", j => j.Path);
        foreach (var r in runs)
        {
            if (damaged.Contains(byPath[r.Key]))
            {
                r.Status.Should().Be("failed", byPath[r.Key]);
                r.Error.Should().NotBeNullOrWhiteSpace();
            }
            else
            {
                r.Status.Should().Be("ok", r.Error);
                r.Signature.Should().StartWith("v1:");
            }
        }
        runs.Where(r => r.Status == "ok").Select(r => r.Signature).Distinct().Should().ContainSingle("kd1 in three formats is one crash");
        Count(db, "SELECT COUNT(*) FROM dumps").Should().Be(3 + damaged.Count, "dumps are keyed by content: 3 real files, 6 damaged");
    }

    private Process StartWorker(string db, string name, BlockingCollection<string>? started)
    {
        var exe = DumpExecutable.Beside();
        var start = new ProcessStartInfo(exe.FileName) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in exe.Prefix) start.ArgumentList.Add(a);
        foreach (var a in new[] { "worker", "--db", db, "--workers", "1", "--name", name, "--invisibility-timeout", "10", "--poll-interval", "1", "--timeout", "300" })
            start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.WriteLine($"{name} out: {e.Data[..Math.Min(e.Data.Length, 160)]}"); };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            if (started is not null && e.Data.Contains(" started: ", StringComparison.Ordinal)) started.Add(e.Data);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static long Count(string db, string sql)
    {
        using var connection = new NpgsqlConnection(db);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static List<(string Key, string Status, string? Error, string? Signature, string? Runner)> Runs(string db)
    {
        using var connection = new NpgsqlConnection(db);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT job_key, status, error, signature, runner FROM triage_runs", connection);
        using var reader = command.ExecuteReader();
        var list = new List<(string, string, string?, string?, string?)>();
        while (reader.Read())
            list.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        return list;
    }
}
