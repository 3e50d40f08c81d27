namespace DumpScope.Fleet.Jobs;

/// <summary>How a worker (and a submitter) talks to Hangfire's PostgreSQL storage.</summary>
public sealed record WorkerSettings
{
    /// <summary>The Npgsql connection string: Hangfire's tables (schema "hangfire") and the results live in the same database.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>
    /// How long a job fetched by a worker that stopped heartbeating stays invisible before another worker takes it.
    /// The invisibility is sliding (a live worker renews it every fifth of this), so it bounds the time lost to a
    /// killed worker, not the length of a job.
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often an idle worker polls the queue.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The Hangfire queue dumps are triaged from.</summary>
    public const string Queue = "dumps";

    /// <summary>Attempts of a job whose run failed for a reason other than its dump (database down, file not on this mount).</summary>
    public const int Attempts = 5;
}
