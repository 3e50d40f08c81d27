using System.ComponentModel;
using DumpScope.Fleet.Store;
using DumpScope.Fleet.Triage;
using Hangfire;
using Hangfire.Server;

namespace DumpScope.Fleet.Jobs;

/// <summary>
/// The Hangfire job: triage one dump (by its path on shared storage) in a child process and record the run keyed by
/// the job id, so that a job run twice (its worker killed after writing, before Hangfire heard of it) is recorded once.
/// A dump that cannot be triaged is a failed record, not a failed job; only a failure of the machinery (database,
/// missing file on this worker's mount) throws, and Hangfire retries that.
/// </summary>
public sealed class TriageJob(IResultStore store, ChildTriageRunner runner, WorkerLog log)
{
    /// <summary>Runs the job (Hangfire supplies <paramref name="context"/> and <paramref name="cancellation"/>).</summary>
    [Queue(WorkerSettings.Queue)]
    [AutomaticRetry(Attempts = WorkerSettings.Attempts, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    [DisplayName("triage {0}")]
    public async Task Run(string path, PerformContext? context, CancellationToken cancellation)
    {
        var jobId = context?.BackgroundJob.Id ?? throw new InvalidOperationException("TriageJob runs under Hangfire, which gives it its job id");
        log.Started(jobId, path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is not on this worker's storage", path);
        var record = await runner.RunAsync(path, $"hangfire:{jobId}", null, log.Name, cancellation).ConfigureAwait(false);
        bool recorded = store.Record(record);
        log.Finished(jobId, record, recorded);
    }
}
