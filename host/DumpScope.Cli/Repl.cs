using DumpScope.Cli.LineEditing;
using DumpScope.Host.History;
using DumpScope.Host.Rendering;
using DumpScope.Host.Session;

namespace DumpScope.Cli;

/// <summary>
/// The line REPL: a prompt, one command per line (with pipes, redirections, aliases: <see cref="CommandShell"/>;
/// edited with history and completion on a terminal: <see cref="ConsoleLineReader"/>); Ctrl-C cancels the running
/// command, not the program.
/// </summary>
internal static class Repl
{
    public static int Run(DumpScopeSession session, ILineReader reader, TextWriter stdout, TextWriter stderr, IResultRenderer renderer)
    {
        CancellationTokenSource? running = null;
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            var current = running;
            if (current is null) return;
            e.Cancel = true;
            current.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            stdout.WriteLine($"DumpScope {DumpScope.Host.HostInfo.Version} — {(session.DumpPath ?? "no dump")}; 'help' lists commands, 'quit' leaves.");
            int exit = Program.Ok;
            var shell = Program.Shell(session, renderer, stdout, stderr, interactive: true);
            while (true)
            {
                var line = reader.ReadLine("dumpscope> ");
                if (line is null) break;
                line = line.Trim();
                if (line.Length == 0 || line.StartsWith('#')) continue;
                if (line is "q" or "quit" or "exit") break;
                reader.Remember(line);
                running = new CancellationTokenSource();
                try
                {
                    if (!shell.Execute(line, running.Token)) exit = Program.Failed;
                }
                finally
                {
                    var done = running;
                    running = null;
                    done.Dispose();
                }
            }
            return exit;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>
    /// The line editor with the per-user history and the session's completions when the REPL runs on a terminal,
    /// else plain lines from <paramref name="stdin"/>.
    /// </summary>
    public static ILineReader Reader(DumpScopeSession session, CommandHistory history, TextReader stdin, TextWriter stdout)
    {
        if (!ConsoleLineReader.Available || !ReferenceEquals(stdin, Console.In)) return new PlainLineReader(stdin, stdout);
        var kernel = session.Services.GetService(typeof(IKernel)) as IKernel;
        var completer = new ReplCompleter(session.Registry, () => kernel?.Symbols, () => kernel?.Types);
        return new ConsoleLineReader(history, completer.Complete);
    }
}
