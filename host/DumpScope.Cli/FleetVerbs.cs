using System.CommandLine;
using DumpScope.Fleet.Batch;
using DumpScope.Fleet.Reports;
using DumpScope.Fleet.Store;
using DumpScope.Fleet.Triage;
using DumpScope.Host.Rendering;

namespace DumpScope.Cli;

/// <summary>
/// The fleet verbs (docs/fleet.md): <c>batch</c> triages many dumps into the results database, <c>fleet</c> reports
/// on it, <c>submit</c> and <c>worker</c> (<see cref="WorkerVerbs"/>) spread the triage over machines with Hangfire.
/// </summary>
internal static class FleetVerbs
{
    /// <summary>The verbs this class answers.</summary>
    public static readonly IReadOnlySet<string> Names = new HashSet<string>(StringComparer.Ordinal) { "batch", "fleet", "submit", "worker" };

    /// <summary>The --db option every fleet verb takes.</summary>
    internal static Option<string?> DbOption() => new("--db")
    {
        HelpName = "FILE|CONN",
        Description = $"the results database: a SQLite file, or a PostgreSQL connection string (Host=…;Database=…, or postgres://…); default {ResultStores.DefaultPath}",
    };

    /// <summary>The version recorded with each run.</summary>
    internal static string ToolVersion => $"{BuildInfo.Version} ({BuildInfo.Commit})";

    /// <summary>Runs <c>dumpscope VERB …</c>.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("DumpScope fleet triage: many dumps, one results database (docs/fleet.md).");
        int exit = Program.Ok;
        root.Subcommands.Add(BatchCommand(stdout, stderr, code => exit = code));
        root.Subcommands.Add(FleetCommand(stdout, stderr, code => exit = code));
        root.Subcommands.Add(WorkerVerbs.SubmitCommand(stdout, stderr, code => exit = code));
        root.Subcommands.Add(WorkerVerbs.WorkerCommand(stdout, stderr, code => exit = code));
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) stderr.WriteLine($"dumpscope {args[0]}: {error.Message}");
            stderr.WriteLine($"dumpscope {args[0]}: --help shows the options");
            return Program.Usage;
        }
        int code = parse.Invoke(new System.CommandLine.InvocationConfiguration { Output = stdout, Error = stderr });
        return code != 0 ? code : exit;
    }

    /// <summary>Opens the store, or prints why not (a usage error: the --db value is the user's).</summary>
    internal static SqlResultStore? OpenStore(string? db, string verb, TextWriter stderr)
    {
        try
        {
            return ResultStores.Open(db);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidDataException or IOException or UnauthorizedAccessException or ArgumentException or UriFormatException)
        {
            stderr.WriteLine($"dumpscope {verb}: --db {Redacted(db)}: {e.Message.Split('\n')[0]}");
            return null;
        }
    }

    /// <summary>A --db value fit for a message: a connection string's password left out.</summary>
    internal static string Redacted(string? db) =>
        db is null ? ResultStores.DefaultPath
        : System.Text.RegularExpressions.Regex.Replace(db, @"(?i)(password\s*=\s*)[^;]*|(://[^:/@]+:)[^@]*(@)", m => m.Groups[1].Success ? m.Groups[1].Value + "***" : m.Groups[2].Value + "***" + m.Groups[3].Value);

    private static Command BatchCommand(TextWriter stdout, TextWriter stderr, Action<int> exit)
    {
        var paths = new Argument<string[]>("path") { Arity = ArgumentArity.OneOrMore, Description = "dump files, folders (searched for dumps) or globs (*, ?, **)" };
        var db = DbOption();
        var outFile = new Option<string?>("--out", "-o") { HelpName = "FILE", Description = "write the JSON lines to FILE instead of standard output" };
        var timeout = new Option<double>("--timeout") { HelpName = "SECONDS", Description = "per-dump time limit; a dump past it is killed and recorded as timed out", DefaultValueFactory = _ => 600 };
        var jobs = new Option<int?>("--jobs", "-j") { HelpName = "N", Description = "dumps triaged at once (default: the cores, fewer when memory is short: 1 GiB each)" };
        var force = new Option<bool>("--force") { Description = "triage dumps the database already has (by content hash) again" };
        var command = new Command("batch", "triage many dumps in parallel, one JSON line per dump, results into the database") { paths, db, outFile, timeout, jobs, force };
        command.SetAction(parse =>
        {
            var (dumps, problems) = DumpPaths.Expand(parse.GetValue(paths) ?? []);
            foreach (var p in problems) stderr.WriteLine($"dumpscope batch: {p}");
            if (dumps.Count == 0) { exit(Program.Usage); return; }
            double seconds = parse.GetValue(timeout);
            int? parallel = parse.GetValue(jobs);
            if (seconds <= 0 || parallel <= 0) { stderr.WriteLine("dumpscope batch: --timeout and --jobs must be positive"); exit(Program.Usage); return; }
            using var store = OpenStore(parse.GetValue(db), "batch", stderr);
            if (store is null) { exit(Program.Usage); return; }
            var runner = new ChildTriageRunner(DumpExecutable.Beside(), TimeSpan.FromSeconds(seconds), ToolVersion);
            var options = new BatchOptions { Parallelism = parallel ?? BatchOptions.DefaultParallelism(), Force = parse.GetValue(force) };
            bool terminal = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected;
            var batch = new BatchRunner(store, runner, options) { Progress = terminal ? (s, total) => ShowProgress(stderr, s, total) : null };
            TextWriter? file = null;
            try
            {
                if (parse.GetValue(outFile) is { } o) file = new StreamWriter(o, append: false, new UTF8Encoding(false));
                var summary = batch.RunAsync(dumps, file ?? stdout, CancellationToken.None).GetAwaiter().GetResult();
                if (terminal) stderr.Write("\r\x1b[K");
                stderr.WriteLine($"batch: {summary.Ok} ok, {summary.Failed} failed, {summary.Skipped} skipped (already in {store.Describe}) in {summary.Elapsed.TotalSeconds:0.0} s, {summary.PerSecond:0.00} dumps/s, {options.Parallelism} at once");
                exit(summary.Failed > 0 ? Program.Failed : Program.Ok);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"dumpscope batch: {e.Message}");
                exit(Program.Failed);
            }
            finally
            {
                file?.Dispose();
            }
        });
        return command;
    }

    private static void ShowProgress(TextWriter stderr, BatchSummary s, int total) =>
        stderr.Write($"\r\x1b[Kbatch: {s.Ok + s.Failed + s.Skipped}/{total} done, {s.Failed} failed, {s.Skipped} skipped, {s.PerSecond:0.00} dumps/s");

    private static Command FleetCommand(TextWriter stdout, TextWriter stderr, Action<int> exit)
    {
        var db = DbOption();
        var json = new Option<bool>("--json") { Description = "JSON documents (docs/json.md) instead of text" };
        var html = new Option<string?>("--html") { HelpName = "FILE", Description = "also write the report as one HTML page with its charts to FILE" };
        var signature = new Argument<string>("signature") { Description = "a signature (v1:…), or the start of one" };
        var command = new Command("fleet", "crash signatures across the triaged dumps: counts, first/last seen, kernels, hosts, an example dump") { db, json, html };
        var show = new Command("show", "one signature: its dumps and the example's findings") { signature, db, json, html };
        command.Subcommands.Add(show);
        command.SetAction(parse => exit(Report(parse.GetValue(db), parse.GetValue(json), parse.GetValue(html), null, stdout, stderr)));
        show.SetAction(parse => exit(Report(parse.GetValue(db), parse.GetValue(json), parse.GetValue(html), parse.GetValue(signature), stdout, stderr)));
        return command;
    }

    private static int Report(string? db, bool json, string? htmlPath, string? signature, TextWriter stdout, TextWriter stderr)
    {
        using var store = OpenStore(db, "fleet", stderr);
        if (store is null) return Program.Usage;
        var report = FleetReport.Build(store.CurrentRuns());
        string title;
        CommandResult result;
        if (signature is null)
        {
            title = "fleet";
            result = FleetResults.Overview(report);
        }
        else
        {
            var (found, problem) = report.Find(signature);
            if (found is null) { stderr.WriteLine($"dumpscope fleet show: {problem}"); return Program.Failed; }
            title = $"fleet show {found.Signature}";
            result = FleetResults.Show(report, found, store.Latest(found.ExampleHash));
        }
        var renderer = OutputFormats.Renderer(json ? OutputFormat.Json : OutputFormat.Text);
        renderer.Write(title, result, stdout, stderr);
        if (renderer is IDocumentRenderer document) document.Complete(stdout);
        if (htmlPath is null) return Program.Ok;
        var page = new HtmlRenderer(store.Describe);
        page.Write(title, result, stdout, stderr);
        return Program.WritePage(page, htmlPath, stderr) ? Program.Ok : Program.Failed;
    }
}
