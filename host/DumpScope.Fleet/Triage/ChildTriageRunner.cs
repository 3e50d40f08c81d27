using System.Diagnostics;

namespace DumpScope.Fleet.Triage;

/// <summary>
/// Triages one dump in a child dumpscope process (the same executable), so that a dump that hangs the reader or
/// crashes the runtime costs one child, killed (with its tree) at the time limit, and never the batch or the worker.
/// </summary>
public sealed class ChildTriageRunner(DumpExecutable executable, TimeSpan timeout, string toolVersion, IReadOnlyList<string>? extraArguments = null)
{
    /// <summary>The per-dump time limit.</summary>
    public TimeSpan Timeout { get; } = timeout;

    /// <summary>The version recorded with each run.</summary>
    public string ToolVersion { get; } = toolVersion;

    /// <summary>
    /// Hashes <paramref name="path"/> (unless <paramref name="hash"/> is given), runs the child and returns the run's
    /// record; a dump that cannot be read ends as a failed record with the reason, a child past the limit as timed out.
    /// </summary>
    public async Task<TriageRecord> RunAsync(string path, string jobKey, string? hash, string? runner, CancellationToken cancellation)
    {
        path = Path.GetFullPath(path);
        long size = new FileInfo(path).Length;
        hash ??= await Task.Run(() => DumpHash.Of(path, cancellation), cancellation).ConfigureAwait(false);
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var (status, stdout, stderr, exit) = await RunChildAsync(path, cancellation).ConfigureAwait(false);
        long ms = clock.ElapsedMilliseconds;
        var output = TriageOutput.Parse(stdout);
        string? error = status switch
        {
            TriageStatus.TimedOut => $"timed out after {Timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s",
            _ when output.TriageOk => null,
            _ => OneLine(Truncation(stderr) + (output.TriageError ?? Problem(stderr) ?? $"dumpscope exited with code {exit} and printed no reason")),
        };
        if (status != TriageStatus.TimedOut) status = output.TriageOk ? TriageStatus.Ok : TriageStatus.Failed;
        return new TriageRecord
        {
            Dump = new DumpFacts(hash, path, size, output.Release, output.BuildId, output.Host, output.DumpTime, output.CaptureFormat),
            JobKey = jobKey,
            ToolVersion = ToolVersion,
            StartedAt = TriageOutput.Iso(started),
            DurationMs = ms,
            Status = status,
            Error = error,
            Signature = status == TriageStatus.Ok ? output.Signature : null,
            Title = output.Title,
            StoppedBy = output.StoppedBy,
            Findings = status == TriageStatus.Ok ? output.Findings : [],
            Runner = runner,
        };
    }

    private async Task<(TriageStatus Status, string Stdout, string Stderr, int Exit)> RunChildAsync(string path, CancellationToken cancellation)
    {
        var start = new ProcessStartInfo(executable.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in executable.Prefix) start.ArgumentList.Add(a);
        start.ArgumentList.Add(path);
        start.ArgumentList.Add("--format");
        start.ArgumentList.Add("json");
        foreach (var command in TriageOutput.Commands)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(command);
        }
        foreach (var a in extraArguments ?? []) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable.FileName}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellation);
        var stderr = process.StandardError.ReadToEndAsync(cancellation);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(Timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellation.ThrowIfCancellationRequested();
            return (TriageStatus.TimedOut, await Drain(stdout), await Drain(stderr), process.ExitCode);
        }
        return (TriageStatus.Ok, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), process.ExitCode);
    }

    private static async Task<string> Drain(Task<string> read)
    {
        try { return await read.ConfigureAwait(false); }
        catch (Exception e) when (e is IOException or OperationCanceledException) { return ""; }
    }

    /// <summary>The child's own reason: its last "dumpscope: …" line (not the notes).</summary>
    private static string? Problem(string stderr) =>
        stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .LastOrDefault(l => l.StartsWith("dumpscope: ", StringComparison.Ordinal)) is { } line ? line["dumpscope: ".Length..]
        : stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => !l.StartsWith("note: ", StringComparison.Ordinal))
          ?? stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();

    /// <summary>"dump truncated: …; " when the child noted it: the cause of most "could not be read" answers.</summary>
    private static string Truncation(string stderr) =>
        stderr.Split('\n', StringSplitOptions.TrimEntries).FirstOrDefault(l => l.StartsWith("note: dump truncated", StringComparison.Ordinal)) is { } note
            ? note["note: ".Length..] + "; " : "";

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
