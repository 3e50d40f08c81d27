using DumpScope.Fleet.Store;
using DumpScope.Fleet.Triage;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DumpScope.Fleet.Jobs;

/// <summary>
/// <c>dumpscope worker</c>: a Hangfire server (Hangfire.NetCore's hosted service) pulling triage jobs from the
/// PostgreSQL queue, <paramref name="workers"/> at a time, until SIGTERM or Ctrl-C (then jobs in flight are
/// handed back to the queue). Logs go to standard error, job results to standard output.
/// </summary>
public static class WorkerHost
{
    /// <summary>Runs until stopped.</summary>
    public static void Run(WorkerSettings settings, PostgresResultStore store, ChildTriageRunner runner, int workers, string name, TextWriter lines, TextWriter notes, CancellationToken stop)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Hangfire", LogLevel.Information);
        builder.Services.AddSingleton<IResultStore>(store);
        builder.Services.AddSingleton(runner);
        builder.Services.AddSingleton(new WorkerLog(name, lines, notes));
        builder.Services.AddTransient<TriageJob>();
        builder.Services.AddHangfire(c => HangfireStorage.Configure(c, settings));
        builder.Services.AddHangfireServer(o =>
        {
            o.ServerName = name;
            o.WorkerCount = workers;
            o.Queues = [WorkerSettings.Queue];
            o.ShutdownTimeout = TimeSpan.FromSeconds(30);
        });
        using var host = builder.Build();
        host.RunAsync(stop).GetAwaiter().GetResult();
    }
}
