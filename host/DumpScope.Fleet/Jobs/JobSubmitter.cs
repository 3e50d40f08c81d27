using Hangfire;

namespace DumpScope.Fleet.Jobs;

/// <summary><c>dumpscope submit</c>: one Hangfire job per dump path, in the PostgreSQL queue the workers pull from.</summary>
public static class JobSubmitter
{
    /// <summary>Enqueues a triage job for each path (absolute: workers see the same shared storage); returns the job ids in order.</summary>
    public static IReadOnlyList<string> Submit(WorkerSettings settings, IReadOnlyList<string> paths)
    {
        var storage = HangfireStorage.Configure(GlobalConfiguration.Configuration, settings);
        var client = new BackgroundJobClient(storage);
        return paths.Select(p => client.Enqueue<TriageJob>(job => job.Run(Path.GetFullPath(p), null, CancellationToken.None))).ToList();
    }
}
