using Hangfire;
using Hangfire.PostgreSql;

namespace DumpScope.Fleet.Jobs;

/// <summary>Hangfire's configuration shared by <c>submit</c> and <c>worker</c>: PostgreSQL storage, sliding invisibility.</summary>
public static class HangfireStorage
{
    /// <summary>The storage options for <paramref name="settings"/>.</summary>
    public static PostgreSqlStorageOptions Options(WorkerSettings settings) => new()
    {
        InvisibilityTimeout = settings.InvisibilityTimeout,
        UseSlidingInvisibilityTimeout = true,
        QueuePollInterval = settings.PollInterval,
        PrepareSchemaIfNecessary = true,
        SchemaName = "hangfire",
    };

    /// <summary>Configures Hangfire (serializer, compatibility level, storage) on <paramref name="configuration"/>; returns the storage.</summary>
    public static PostgreSqlStorage Configure(IGlobalConfiguration configuration, WorkerSettings settings) =>
        configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(settings.ConnectionString), Options(settings))
            .Entry;
}
