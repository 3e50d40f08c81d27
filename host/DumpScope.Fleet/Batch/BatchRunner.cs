using System.Diagnostics;
using DumpScope.Fleet.Store;
using DumpScope.Fleet.Triage;

namespace DumpScope.Fleet.Batch;

/// <summary>
/// Triages many dumps on this machine, <see cref="BatchOptions.Parallelism"/> child processes at a time: hashes each,
/// skips those the store already answered (unless forced), records every run, and writes one JSON line per dump
/// as it finishes (in finishing order).
/// </summary>
public sealed class BatchRunner(IResultStore store, ChildTriageRunner runner, BatchOptions options)
{
    /// <summary>Called after each dump with the totals so far (the terminal progress line).</summary>
    public Action<BatchSummary, int>? Progress { get; init; }

    /// <summary>Runs the batch; <paramref name="lines"/> gets one JSON line per dump.</summary>
    public async Task<BatchSummary> RunAsync(IReadOnlyList<string> dumps, TextWriter lines, CancellationToken cancellation)
    {
        int ok = 0, failed = 0, skipped = 0;
        var clock = Stopwatch.StartNew();
        var gate = new Lock();
        await Parallel.ForEachAsync(dumps, new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellation }, async (path, ct) =>
        {
            var (record, wasSkipped) = await TriageOne(path, ct).ConfigureAwait(false);
            lock (gate)
            {
                if (wasSkipped) skipped++;
                else if (record.Status == TriageStatus.Ok) ok++;
                else failed++;
                lines.WriteLine(RecordJson.Line(record, wasSkipped));
                lines.Flush();
                Progress?.Invoke(new BatchSummary(ok, failed, skipped, clock.Elapsed), dumps.Count);
            }
        }).ConfigureAwait(false);
        return new BatchSummary(ok, failed, skipped, clock.Elapsed);
    }

    private async Task<(TriageRecord Record, bool Skipped)> TriageOne(string path, CancellationToken cancellation)
    {
        string hash;
        try
        {
            hash = await Task.Run(() => DumpHash.Of(path, cancellation), cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not stored: without its contents there is no hash to key it by.
            return (Unreadable(path, e.Message), false);
        }
        var known = store.Latest(hash);
        if (!options.Force && known is { Status: not TriageStatus.TimedOut }) return (known with { Dump = known.Dump with { Path = Path.GetFullPath(path) } }, true);
        // The first run of a dump has one key, so two batches racing on it record it once; a forced run, or the retry of
        // a timed-out one, is a run of its own.
        var key = known is null ? $"batch:{hash}" : $"batch:{hash}:{DateTime.UtcNow.Ticks}";
        var record = await runner.RunAsync(path, key, hash, options.Runner, cancellation).ConfigureAwait(false);
        store.Record(record);
        return (record, false);
    }

    private TriageRecord Unreadable(string path, string reason) => new()
    {
        Dump = new DumpFacts("", Path.GetFullPath(path), File.Exists(path) ? new FileInfo(path).Length : 0),
        JobKey = "",
        ToolVersion = runner.ToolVersion,
        StartedAt = TriageOutput.Iso(DateTime.UtcNow),
        DurationMs = 0,
        Status = TriageStatus.Failed,
        Error = $"cannot read the file: {reason}",
        Runner = options.Runner,
    };
}
