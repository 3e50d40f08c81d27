using System.Diagnostics;
using DumpScope.Host.Commands;
using DumpScope.Host.Rendering;
using DumpScope.Host.Session;

namespace DumpScope.Cli;

/// <summary>
/// What the REPL and command scripts (-i, standard input) add around a command, as crash does: <c>| shell-command</c>,
/// <c>&gt; file</c> and <c>&gt;&gt; file</c> after it (<see cref="OutputRedirect"/>; the shell gets the rendered text, run
/// as <c>/bin/sh -c</c>), <c>alias NAME CMD</c> (a first word that is an alias is replaced by its command) and
/// <c>repeat [-N] CMD</c>. The terminal UI's command line does not go through here: it has no pipes.
/// </summary>
internal sealed class CommandShell(ICommandRunner runner, IResultRenderer renderer, TextWriter stdout, TextWriter stderr, bool interactive)
{
    private const int MaxAliasDepth = 16;
    private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);

    /// <summary>Shows progress of long commands; null when stderr is not a terminal.</summary>
    public TerminalProgress? Progress { get; init; }

    /// <summary>The aliases defined so far.</summary>
    public IReadOnlyDictionary<string, string> Aliases => _aliases;

    /// <summary>Runs one line; false when it (or any repetition of it) failed.</summary>
    public bool Execute(string line, CancellationToken cancellation)
    {
        OutputRedirect redirect;
        try
        {
            redirect = OutputRedirect.Parse(line);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return false;
        }
        var output = redirect.Kind == RedirectKind.None ? stdout : new StringWriter();
        bool ok = Run(redirect.Command, output, cancellation, 0);
        return Deliver(redirect, output) && ok;
    }

    private bool Run(string command, TextWriter output, CancellationToken cancellation, int depth)
    {
        IReadOnlyList<string> words;
        try
        {
            words = CommandLineSplitter.Split(command);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return false;
        }
        if (words.Count == 0) return true;
        if (_aliases.TryGetValue(words[0], out var expansion))
        {
            if (depth >= MaxAliasDepth) { stderr.WriteLine($"error: alias {words[0]}: aliases nest more than {MaxAliasDepth} deep (a loop?)"); return false; }
            var rest = command.TrimStart()[words[0].Length..];
            return Run(expansion + rest, output, cancellation, depth + 1);
        }
        switch (words[0])
        {
            case "alias": return Alias(words, command, output);
            case "unalias":
                foreach (var name in words.Skip(1))
                    if (!_aliases.Remove(name)) stderr.WriteLine($"warning: unalias: no alias {name}");
                return true;
            case "repeat": return Repeat(words, command, output, cancellation, depth);
        }
        CommandResult result;
        Progress?.Begin(command);
        try
        {
            result = renderer.Streams ? runner.RunStreamed(command, cancellation, Progress) : runner.Run(command, cancellation, Progress);
        }
        finally
        {
            Progress?.End();
        }
        renderer.Write(command, result, output, stderr);
        return !result.Failed;
    }

    private bool Alias(IReadOnlyList<string> words, string command, TextWriter output)
    {
        if (words.Count == 1)
        {
            foreach (var (name, value) in _aliases.OrderBy(a => a.Key, StringComparer.Ordinal)) output.WriteLine($"{name,-12} {value}");
            return true;
        }
        var aliasName = words[1];
        if (words.Count == 2)
        {
            if (_aliases.TryGetValue(aliasName, out var value)) { output.WriteLine($"{aliasName,-12} {value}"); return true; }
            stderr.WriteLine($"error: alias: no alias {aliasName}");
            return false;
        }
        if (aliasName is "alias" or "unalias" or "repeat") { stderr.WriteLine($"error: alias: {aliasName} cannot be redefined"); return false; }
        // The definition is the rest of the line as typed, so its quotes stay for when it runs.
        var body = command.TrimStart()["alias".Length..].TrimStart()[aliasName.Length..].Trim();
        if (body.Length >= 2 && (body[0] == '"' && body[^1] == '"' || body[0] == '\'' && body[^1] == '\'') && CommandLineSplitter.Split(body).Count == 1) body = body[1..^1];
        _aliases[aliasName] = body;
        return true;
    }

    private bool Repeat(IReadOnlyList<string> words, string command, TextWriter output, CancellationToken cancellation, int depth)
    {
        int? count = null;
        int skip = 1;
        if (words.Count > 1 && words[1].Length > 1 && words[1][0] == '-' && int.TryParse(words[1][1..], NumberStyles.None, CultureInfo.InvariantCulture, out int n))
        {
            if (n < 1) { stderr.WriteLine("error: repeat: -N must be at least 1"); return false; }
            count = n;
            skip = 2;
        }
        if (words.Count <= skip) { stderr.WriteLine("error: repeat: usage: repeat [-N] CMD"); return false; }
        if (count is null && !interactive) { stderr.WriteLine("error: repeat: give a count (repeat -N CMD) outside the interactive REPL"); return false; }
        var rest = command.TrimStart();
        for (int i = 0; i < skip; i++) rest = rest[(rest.IndexOf(words[i], StringComparison.Ordinal) + words[i].Length)..].TrimStart();
        bool ok = true;
        for (int i = 0; count is null || i < count; i++)
        {
            if (cancellation.IsCancellationRequested) break;
            ok &= Run(rest, output, cancellation, depth + 1);
            // Without a count the REPL repeats once a second until Ctrl-C, like crash on a live system.
            if (count is null && cancellation.WaitHandle.WaitOne(TimeSpan.FromSeconds(1))) break;
        }
        return ok;
    }

    private bool Deliver(OutputRedirect redirect, TextWriter output)
    {
        if (redirect.Kind == RedirectKind.None) return true;
        var text = output.ToString() ?? "";
        try
        {
            switch (redirect.Kind)
            {
                case RedirectKind.Write: File.WriteAllText(redirect.Target, text); return true;
                case RedirectKind.Append: File.AppendAllText(redirect.Target, text); return true;
                default: return Pipe(redirect.Target, text);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            stderr.WriteLine($"error: {(redirect.Kind == RedirectKind.Pipe ? "| " : "> ")}{redirect.Target}: {e.Message}");
            return false;
        }
    }

    private bool Pipe(string shellCommand, string text)
    {
        var info = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(shellCommand);
        using var process = Process.Start(info) ?? throw new IOException("/bin/sh could not be started");
        var outTask = process.StandardOutput.ReadToEndAsync();
        var errTask = process.StandardError.ReadToEndAsync();
        try
        {
            process.StandardInput.Write(text);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The pipeline stopped reading (head, grep -q): what it took is enough.
        }
        process.WaitForExit();
        stdout.Write(outTask.Result);
        stderr.Write(errTask.Result);
        return process.ExitCode == 0;
    }
}

/// <summary>
/// Progress of a command on a terminal's stderr: nothing during its first second (most commands are done by then),
/// then one line rewritten five times a second with what the command last reported (<see cref="CommandContext.Report"/>)
/// or, for a command that reports nothing, how long it has run; erased when the command ends, before its output. Any
/// command over a second gets it, because the line is drawn by a timer, not by the command.
/// </summary>
internal sealed class TerminalProgress(TextWriter stderr, Func<int>? width = null) : IProgress<CommandProgress>, IDisposable
{
    /// <summary>How long a command runs before the line appears.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

    private readonly object _lock = new();
    private Timer? _timer;
    private string? _command;
    private long _started;
    private CommandProgress? _latest;
    private bool _shown;

    /// <summary>A command starts: the line appears after <see cref="Delay"/> unless <see cref="End"/> comes first.</summary>
    public void Begin(string command)
    {
        lock (_lock)
        {
            _command = command.Trim();
            _latest = null;
            _started = Environment.TickCount64;
            _timer ??= new Timer(_ => Draw(), null, Timeout.Infinite, Timeout.Infinite);
            _timer.Change(Delay, TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>The command ended: the line, if shown, is erased.</summary>
    public void End()
    {
        lock (_lock)
        {
            _timer?.Change(Timeout.Infinite, Timeout.Infinite);
            _command = null;
            if (!_shown) return;
            stderr.Write("\r\x1b[K");
            stderr.Flush();
            _shown = false;
        }
    }

    /// <inheritdoc/>
    public void Report(CommandProgress value)
    {
        lock (_lock) _latest = value;
    }

    /// <summary>The line as it is drawn now (null before the command has run a second); for tests.</summary>
    internal string? Line()
    {
        lock (_lock)
        {
            if (_command is null) return null;
            double seconds = (Environment.TickCount64 - _started) / 1000.0;
            var what = _latest is { } p
                ? p.Total > 0 ? $"{p.What} {100 * p.Done / p.Total}%" : $"{p.What} {p.Done.ToString("N0", CultureInfo.InvariantCulture)}"
                : "running";
            var line = $"{_command}: {what}, {seconds.ToString("0.0", CultureInfo.InvariantCulture)} s (Ctrl-C stops)";
            int max = Math.Max(20, (width?.Invoke() ?? 80) - 1);
            return line.Length <= max ? line : line[..(max - 1)] + "…";
        }
    }

    private void Draw()
    {
        lock (_lock)
        {
            if (Line() is not { } line) return;
            stderr.Write("\r\x1b[K" + line);
            stderr.Flush();
            _shown = true;
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        End();
        _timer?.Dispose();
    }
}
