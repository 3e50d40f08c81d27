using DumpScope.Host.Rendering;
using DumpScope.Host.Session;

namespace DumpScope.Cli;

/// <summary>The dumpscope executable.</summary>
public static class Program
{
    /// <summary>Exit code when every command succeeded.</summary>
    public const int Ok = 0;
    /// <summary>Exit code when a command failed or the dump could not be opened.</summary>
    public const int Failed = 1;
    /// <summary>Exit code for a usage error.</summary>
    public const int Usage = 2;

    /// <summary>Entry point.</summary>
    public static int Main(string[] args) => Run(args, Console.In, Console.Out, Console.Error, !Console.IsInputRedirected);

    /// <summary>Runs with the given streams (tests call this).</summary>
    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, bool interactive)
    {
        if (args is ["completion" or "man", ..]) return Generate(args, stdout, stderr);
        // `dumpscope index-plugins DIR...`: writes each plugin's index beside it (PluginIndex), so later sessions load a
        // plugin only when first needed. The CLI's build runs it over its plugins folder; not a user verb.
        if (args is ["index-plugins", .. var folders])
        {
            foreach (var line in Host.Plugins.PluginIndex.WriteAll(folders)) stdout.WriteLine(line);
            return Ok;
        }
        // `dumpscope batch|fleet|submit|worker …`: many dumps and the results database (FleetVerbs, docs/fleet.md).
        if (args is [var verb, ..] && FleetVerbs.Names.Contains(verb)) return FleetVerbs.Run(args, stdout, stderr);
        var cli = new CliOptions();
        var root = cli.CreateRoot();
        foreach (var version in root.Options.OfType<System.CommandLine.VersionOption>())
            version.Action = new PrintLines(() => BuildInfo.Lines(), stdout);
        int exit = Ok;
        // `dumpscope diff OLD NEW [options]`: opens OLD and runs `diff NEW` on it (the diff plugin's command).
        if (args is ["diff", ..])
        {
            if (DiffArguments.Rewrite(cli, args[1..], out var rewritten) is { } usage)
            {
                stderr.WriteLine($"dumpscope diff: {usage}");
                return Usage;
            }
            args = rewritten;
        }
        // `dumpscope bench DUMP [options]`: the same options, timed (SessionBenchmark).
        bool bench = args is ["bench", ..];
        root.SetAction(parse => exit = Execute(cli, parse, stdin, stdout, stderr, interactive, bench));
        var parseResult = root.Parse(bench ? args[1..] : args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors) stderr.WriteLine($"dumpscope: {error.Message}");
            stderr.WriteLine("dumpscope: --help shows the options");
            return Usage;
        }
        int code = parseResult.Invoke(new System.CommandLine.InvocationConfiguration { Output = stdout, Error = stderr });
        return code != 0 ? code : exit;
    }

    /// <summary>
    /// `dumpscope man` and `dumpscope completion bash|zsh`: generated from the option declarations and the commands of
    /// the plugins a dump-less session loads with the remaining options (--plugin-dir, --plugins-config...).
    /// </summary>
    private static int Generate(string[] args, TextWriter stdout, TextWriter stderr)
    {
        bool man = args[0] == "man";
        if (!man && (args.Length < 2 || !ShellCompletion.Shells.Contains(args[1])))
        {
            stderr.WriteLine($"dumpscope: usage: dumpscope completion {string.Join('|', ShellCompletion.Shells)} [--plugin-dir DIR]...");
            return Usage;
        }
        var cli = new CliOptions();
        var parse = cli.CreateRoot().Parse(args[(man ? 1 : 2)..]);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) stderr.WriteLine($"dumpscope: {error.Message}");
            return Usage;
        }
        try
        {
            using var session = DumpScopeSession.Create(new SessionOptions
            {
                PluginDirectories = parse.GetValue(cli.PluginDirs) ?? [],
                ManifestPath = parse.GetValue(cli.Manifest),
                Profile = parse.GetValue(cli.Profile),
                Plugins = parse.GetValue(cli.Plugins)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            });
            var model = CommandLineModel.From(cli, session);
            stdout.Write(man ? ManPage.Render(model) : ShellCompletion.Render(args[1], model));
            return Ok;
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"dumpscope: {e.Message}");
            return Usage;
        }
    }

    /// <summary>Replaces System.CommandLine's --version (the bare assembly version) with <see cref="BuildInfo.Lines"/>.</summary>
    private sealed class PrintLines(Func<IEnumerable<string>> lines, TextWriter output) : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(System.CommandLine.ParseResult parseResult)
        {
            foreach (var line in lines()) output.WriteLine(line);
            return Ok;
        }
    }

    private static int Execute(CliOptions cli, System.CommandLine.ParseResult parse, TextReader stdin, TextWriter stdout, TextWriter stderr, bool interactive, bool bench)
    {
        var commands = new List<string>();
        foreach (var (isFile, value) in CommandSources(parse))
        {
            if (!isFile) { commands.Add(value); continue; }
            if (Directory.Exists(value)) { stderr.WriteLine($"dumpscope: -i {value}: is a directory, not a command file"); return Usage; }
            if (!File.Exists(value)) { stderr.WriteLine($"dumpscope: command file not found: {value}"); return Usage; }
            commands.AddRange(ReadScript(File.ReadAllLines(value)));
        }
        var renderer = OutputFormats.Renderer(parse.GetValue(cli.Format) is { } formatName ? OutputFormats.Parse(formatName)!.Value
            : parse.GetValue(cli.Json) ? OutputFormat.Json : OutputFormat.Text);
        var htmlPath = parse.GetValue(cli.Html);
        if (htmlPath is not null && Directory.Exists(htmlPath)) { stderr.WriteLine($"dumpscope: --html {htmlPath}: is a directory; give the page's file name"); return Usage; }

        ulong? kaslr = null;
        if (parse.GetValue(cli.Kaslr) is { } kaslrText)
        {
            if (!Arguments.TryParseAddress(kaslrText, out var k)) { stderr.WriteLine($"dumpscope: --kaslr: '{kaslrText}' is not hexadecimal"); return Usage; }
            kaslr = k;
        }

        var dumpPath = parse.GetValue(cli.Dump);
        if (parse.GetValue(cli.Sample))
        {
            if (dumpPath is not null) { stderr.WriteLine("dumpscope: give either a dump or --sample, not both"); return Usage; }
            dumpPath = SampleDump.Find();
            if (dumpPath is null)
            {
                stderr.WriteLine($"dumpscope: the bundled sample dump ({SampleDump.RelativePath}) is not beside this build nor above the current folder; run inside a checkout, or give a dump path");
                return Usage;
            }
        }
        if (dumpPath is not null && Directory.Exists(dumpPath))
        {
            stderr.WriteLine($"dumpscope: {dumpPath} is a directory; give the dump file inside it (a vmcore, kdump or ELF file)");
            return Usage;
        }
        foreach (var dir in parse.GetValue(cli.PluginDirs) ?? [])
        {
            if (Directory.Exists(dir)) continue;
            stderr.WriteLine(File.Exists(dir) ? $"dumpscope: --plugin-dir {dir}: is a file; give the folder that holds <Name>/<Name>.dll" : $"dumpscope: --plugin-dir {dir}: no such folder");
            return Usage;
        }
        var options = new SessionOptions
        {
            DumpPath = dumpPath,
            VmlinuxPath = parse.GetValue(cli.Vmlinux),
            ModulesPath = parse.GetValue(cli.Modules),
            SystemMapPath = parse.GetValue(cli.SystemMap),
            BtfPath = parse.GetValue(cli.Btf),
            Types = parse.GetValue(cli.Types) switch { "btf" => TypeSourceKind.Btf, "dwarf" => TypeSourceKind.Dwarf, _ => TypeSourceKind.Auto },
            Force = parse.GetValue(cli.Force),
            ZeroExcluded = parse.GetValue(cli.ZeroExcluded),
            KaslrOffset = kaslr,
            Profile = parse.GetValue(cli.Profile),
            Plugins = parse.GetValue(cli.Plugins)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            PluginDirectories = parse.GetValue(cli.PluginDirs) ?? [],
            ManifestPath = parse.GetValue(cli.Manifest),
        };

        DumpScopeSession session;
        TimeSpan openTime;
        try
        {
            var opening = System.Diagnostics.Stopwatch.StartNew();
            session = DumpScopeSession.Create(options);
            openTime = opening.Elapsed;
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"dumpscope: {e.Message}");
            return Usage;
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException or UnauthorizedAccessException or Sdk.Memory.MemoryFaultException or Sdk.Types.TypeNotFoundException)
        {
            stderr.WriteLine($"dumpscope: {e.Message}");
            return Failed;
        }

        using (session)
        {
            foreach (var note in session.Notes) stderr.WriteLine($"note: {note}");
            if (bench)
            {
                var timed = SessionBenchmark.Run(session, openTime, commands);
                renderer.Write("bench", timed, stdout, stderr);
                return timed.Blocks.OfType<TableBlock>().SelectMany(t => t.Rows).Any(r => r.Cells[^1].Value is string status && status != "ok") ? Failed : Ok;
            }
            if (dumpPath is null && commands.Count == 0)
                stderr.WriteLine($"note: no dump is open: run `dumpscope DUMP`, or `dumpscope --sample` to open the bundled real dump ({SampleDump.RelativePath})");
            if (renderer is HtmlRenderer page) page.Subject = dumpPath;
            var htmlPage = htmlPath is null ? null : new HtmlRenderer(dumpPath);
            var both = htmlPage is null ? renderer : new TeeRenderer(renderer, htmlPage);
            int code;
            if (commands.Count > 0) code = RunBatch(session, commands, both, stdout, stderr);
            else if (!interactive) code = RunBatch(session, ReadScript(ReadAll(stdin)), both, stdout, stderr);
            else
            {
                // The REPL and the terminal UI share the per-user command history.
                var history = Host.History.CommandHistory.Open(Host.History.CommandHistory.DefaultPath);
                if (parse.GetValue(cli.Repl) && !parse.GetValue(cli.Tui)) code = Repl.Run(session, Repl.Reader(session, history, stdin, stdout), stdout, stderr, both);
                else return RunTui(session, options, history);
            }
            if (renderer is IDocumentRenderer document) document.Complete(stdout);
            if (htmlPage is not null && !WritePage(htmlPage, htmlPath!, stderr)) return Failed;
            return code;
        }
    }

    /// <summary>Writes the --html page; false (with the reason on standard error) when the file cannot be written.</summary>
    internal static bool WritePage(HtmlRenderer page, string path, TextWriter stderr)
    {
        try
        {
            using var file = new StreamWriter(path, false, new UTF8Encoding(false));
            page.Complete(file);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"dumpscope: --html {path}: {e.Message}");
            return false;
        }
    }

    /// <summary>Runs commands in order; non-zero when any failed.</summary>
    internal static int RunBatch(DumpScopeSession session, IReadOnlyList<string> commands, IResultRenderer renderer, TextWriter stdout, TextWriter stderr)
    {
        int exit = Ok;
        var shell = Shell(session, renderer, stdout, stderr, interactive: false);
        // Ctrl-C stops the running command (it ends as "cancelled", its partial output is not printed) and the
        // commands after it; a second Ctrl-C ends the process as usual.
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cancel.IsCancellationRequested) return;
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            foreach (var command in commands)
            {
                if (cancel.IsCancellationRequested)
                {
                    stderr.WriteLine("dumpscope: interrupted: the remaining commands were not run");
                    return Failed;
                }
                if (renderer.EchoesCommands && commands.Count > 1) stdout.WriteLine($"dumpscope> {command}");
                if (!shell.Execute(command, cancel.Token)) exit = Failed;
            }
            return exit;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            shell.Progress?.Dispose();
        }
    }

    /// <summary>The pipes, redirections, aliases and repeat of scripts and the REPL; progress on stderr when it is a terminal.</summary>
    internal static CommandShell Shell(ICommandRunner runner, IResultRenderer renderer, TextWriter stdout, TextWriter stderr, bool interactive) =>
        new(runner, renderer, stdout, stderr, interactive)
        {
            Progress = ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected ? new TerminalProgress(stderr, TerminalWidth) : null,
        };

    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }

    /// <summary>Runs and prints one command; false when it failed.</summary>
    internal static bool Print(ICommandRunner runner, string command, IResultRenderer renderer, TextWriter stdout, TextWriter stderr, CancellationToken cancellation)
    {
        var result = runner.Run(command, cancellation);
        renderer.Write(command, result, stdout, stderr);
        return !result.Failed;
    }

    /// <summary>The -c commands and -i files in the order they were given on the command line.</summary>
    private static IEnumerable<(bool IsFile, string Value)> CommandSources(System.CommandLine.ParseResult parse)
    {
        var tokens = parse.Tokens;
        for (int i = 0; i + 1 < tokens.Count; i++)
        {
            if (tokens[i].Type != System.CommandLine.Parsing.TokenType.Option) continue;
            bool isCommand = tokens[i].Value is "-c" or "--command";
            bool isFile = tokens[i].Value is "-i" or "--input";
            if (!isCommand && !isFile) continue;
            yield return (isFile, tokens[++i].Value);
        }
    }

    /// <summary>Starts the terminal UI; switching profiles reopens the session with the other plugin set.</summary>
    private static int RunTui(DumpScopeSession session, SessionOptions options, Host.History.CommandHistory history)
    {
        var opened = new List<DumpScopeSession>();
        try
        {
            return Tui.TuiApplication.Run(session, new Tui.TuiOptions
            {
                Profiles = session.Manifest.Profiles.Keys.Order(StringComparer.Ordinal).ToArray(),
                CurrentProfile = session.Profile,
                Notes = session.Notes,
                History = history,
                SwitchProfile = profile =>
                {
                    // Every option carries over; only the plugin choice changes (a profile replaces an explicit list).
                    var next = DumpScopeSession.Create(options with { Profile = profile, Plugins = null });
                    opened.Add(next);
                    return next;
                },
            });
        }
        finally
        {
            foreach (var s in opened) s.Dispose();
        }
    }

    private static IEnumerable<string> ReadAll(TextReader reader)
    {
        while (reader.ReadLine() is { } line) yield return line;
    }

    private static List<string> ReadScript(IEnumerable<string> lines) =>
        lines.Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
}
