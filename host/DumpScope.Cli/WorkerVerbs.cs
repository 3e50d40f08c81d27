using System.CommandLine;
using DumpScope.Fleet.Batch;
using DumpScope.Fleet.Jobs;
using DumpScope.Fleet.Store;
using DumpScope.Fleet.Triage;

namespace DumpScope.Cli;

/// <summary><c>dumpscope submit PATH… --db CONN</c> and <c>dumpscope worker --db CONN</c>: triage on many machines through Hangfire.</summary>
internal static class WorkerVerbs
{
    private static Option<double> InvisibilityOption() => new("--invisibility-timeout")
    {
        HelpName = "SECONDS",
        Description = "how long the job of a worker that died stays invisible before another worker takes it (sliding: live workers renew it)",
        DefaultValueFactory = _ => 300,
    };

    private static Option<double> PollOption() => new("--poll-interval") { HelpName = "SECONDS", Description = "how often an idle worker polls the queue", DefaultValueFactory = _ => 5 };

    /// <summary>The PostgreSQL store the verb needs (Hangfire's queue lives there), or null after saying why.</summary>
    private static PostgresResultStore? SharedStore(string? db, string verb, TextWriter stderr)
    {
        if (!ResultStores.IsPostgres(db))
        {
            stderr.WriteLine($"dumpscope {verb}: --db must be a PostgreSQL connection string (Host=…;Database=…;Username=…, or postgres://…): the job queue and the results are shared there");
            return null;
        }
        var store = FleetVerbs.OpenStore(db, verb, stderr);
        return store as PostgresResultStore;
    }

    /// <summary><c>submit</c>.</summary>
    public static Command SubmitCommand(TextWriter stdout, TextWriter stderr, Action<int> exit)
    {
        var paths = new Argument<string[]>("path") { Arity = ArgumentArity.OneOrMore, Description = "dump files, folders or globs, on storage every worker mounts at the same path" };
        var db = FleetVerbs.DbOption();
        var command = new Command("submit", "enqueue one triage job per dump for the workers (Hangfire on PostgreSQL)") { paths, db };
        command.SetAction(parse =>
        {
            var (dumps, problems) = DumpPaths.Expand(parse.GetValue(paths) ?? []);
            foreach (var p in problems) stderr.WriteLine($"dumpscope submit: {p}");
            if (dumps.Count == 0) { exit(Program.Usage); return; }
            using var store = SharedStore(parse.GetValue(db), "submit", stderr);
            if (store is null) { exit(Program.Usage); return; }
            var ids = JobSubmitter.Submit(new WorkerSettings { ConnectionString = store.ConnectionString }, dumps);
            for (int i = 0; i < ids.Count; i++)
                stdout.WriteLine($"{{\"job\":{System.Text.Json.JsonSerializer.Serialize(ids[i])},\"path\":{System.Text.Json.JsonSerializer.Serialize(dumps[i])}}}");
            stderr.WriteLine($"submit: {ids.Count} jobs enqueued in {store.Describe}");
            exit(Program.Ok);
        });
        return command;
    }

    /// <summary><c>worker</c>.</summary>
    public static Command WorkerCommand(TextWriter stdout, TextWriter stderr, Action<int> exit)
    {
        var db = FleetVerbs.DbOption();
        var workers = new Option<int?>("--workers", "-w") { HelpName = "N", Description = "jobs run at once (default: the cores, fewer when memory is short: 1 GiB each)" };
        var timeout = new Option<double>("--timeout") { HelpName = "SECONDS", Description = "per-dump time limit", DefaultValueFactory = _ => 600 };
        var name = new Option<string?>("--name") { HelpName = "NAME", Description = "the worker's name in Hangfire and in the runs it records (default: host name and pid)" };
        var invisibility = InvisibilityOption();
        var poll = PollOption();
        var command = new Command("worker", "run a Hangfire server that triages the submitted dumps into the shared PostgreSQL database, until SIGTERM") { db, workers, timeout, name, invisibility, poll };
        command.SetAction(parse =>
        {
            int count = parse.GetValue(workers) ?? BatchOptions.DefaultParallelism();
            double seconds = parse.GetValue(timeout), invisible = parse.GetValue(invisibility), pollSeconds = parse.GetValue(poll);
            if (count <= 0 || seconds <= 0 || invisible <= 0 || pollSeconds <= 0) { stderr.WriteLine("dumpscope worker: --workers, --timeout, --invisibility-timeout and --poll-interval must be positive"); exit(Program.Usage); return; }
            using var store = SharedStore(parse.GetValue(db), "worker", stderr);
            if (store is null) { exit(Program.Usage); return; }
            var settings = new WorkerSettings
            {
                ConnectionString = store.ConnectionString,
                InvisibilityTimeout = TimeSpan.FromSeconds(invisible),
                PollInterval = TimeSpan.FromSeconds(pollSeconds),
            };
            var runner = new ChildTriageRunner(DumpExecutable.Beside(), TimeSpan.FromSeconds(seconds), FleetVerbs.ToolVersion);
            var workerName = parse.GetValue(name) ?? $"{Environment.MachineName}-{Environment.ProcessId}";
            stderr.WriteLine($"worker {workerName}: {count} at once, results and queue in {store.Describe}");
            WorkerHost.Run(settings, store, runner, count, workerName, stdout, stderr, CancellationToken.None);
            exit(Program.Ok);
        });
        return command;
    }
}
