using DumpScope.Fleet.Triage;

namespace DumpScope.Fleet.Jobs;

/// <summary>A worker's output: a JSON line per finished job on <paramref name="lines"/>, "started" and "again" notes on <paramref name="notes"/>.</summary>
public sealed class WorkerLog(string name, TextWriter lines, TextWriter notes)
{
    private readonly Lock _gate = new();

    /// <summary>The worker's name (its Hangfire server name), recorded as each run's runner.</summary>
    public string Name { get; } = name;

    /// <summary>A job began.</summary>
    public void Started(string jobId, string path)
    {
        lock (_gate)
        {
            notes.WriteLine($"worker {Name}: job {jobId} started: {path}");
            notes.Flush();
        }
    }

    /// <summary>A job ended; <paramref name="recorded"/> false when an earlier attempt of it had already been recorded.</summary>
    public void Finished(string jobId, TriageRecord record, bool recorded)
    {
        lock (_gate)
        {
            if (!recorded) notes.WriteLine($"worker {Name}: job {jobId} was already recorded by an earlier attempt; kept that one");
            lines.WriteLine(RecordJson.Line(record, skipped: !recorded));
            lines.Flush();
            notes.Flush();
        }
    }
}
