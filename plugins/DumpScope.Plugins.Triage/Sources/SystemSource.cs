using DumpScope.Sdk.Linux.Init;
using DumpScope.Sdk.Linux.Time;

namespace DumpScope.Plugins.Triage.Sources;

/// <summary>The system facts of the summary: release, uptime, load average, command line, CPUs (the helpers sys uses).</summary>
internal static class SystemSource
{
    public static void Run(TriageContext context)
    {
        var kernel = context.Kernel;
        var release = Utsname.Field(kernel, "release", out var why);
        context.AddSummary("RELEASE", "release", release is not null ? Cell.Text(release) : Cell.Unreadable(why ?? "unknown"));
        var uptime = Timekeeping.KtimeGetBoottime(kernel, out _, out why);
        context.AddSummary("UPTIME", "uptime", uptime is { } u ? Cell.Int((long)u.TotalSeconds).Displayed(Duration(u)) : Cell.NotAvailable(why ?? "unknown"));
        var loads = LoadAverage.GetAvenrun(kernel, out why);
        context.AddSummary("LOAD AVERAGE", "load_average", loads is not null ? Cell.Text(string.Join(", ", loads)) : Cell.NotAvailable(why ?? "unknown"));
        var cpus = kernel.OnlineCpus.Count;
        context.AddSummary("CPUS", "cpus", Cell.Int(cpus));
        var cmdline = CommandLine.SavedCommandLine(kernel, out why);
        context.AddSummary("COMMAND LINE", "command_line", cmdline is not null ? Cell.Text(cmdline) : Cell.NotAvailable(why ?? "unknown"));
    }

    /// <summary>"14s", "3m 05s", "2h 03m", "5d 02h".</summary>
    public static string Duration(TimeSpan span) => span.TotalSeconds switch
    {
        < 60 => string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:F0}s"),
        < 3600 => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}m {span.Seconds:D2}s"),
        < 86400 => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h {span.Minutes:D2}m"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays}d {span.Hours:D2}h"),
    };
}
