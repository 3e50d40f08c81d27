using DumpScope.Host.Rendering;
using DumpScope.Host.Session;

namespace DumpScope.Cli;

/// <summary>The line REPL: a prompt, one command per line (with pipes, redirections, aliases: <see cref="CommandShell"/>); Ctrl-C cancels the running command, not the program.</summary>
internal static class Repl
{
    public static int Run(DumpScopeSession session, TextReader stdin, TextWriter stdout, TextWriter stderr, IResultRenderer renderer)
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
                stdout.Write("dumpscope> ");
                stdout.Flush();
                var line = stdin.ReadLine();
                if (line is null) break;
                line = line.Trim();
                if (line.Length == 0 || line.StartsWith('#')) continue;
                if (line is "q" or "quit" or "exit") break;
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
}
