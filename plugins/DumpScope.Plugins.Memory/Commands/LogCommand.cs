using DumpScope.Plugins.Memory.Log;
using DumpScope.Sdk.Linux.Printk;
using DumpScope.Sdk.Commands;

namespace DumpScope.Plugins.Memory.Commands;

/// <summary>crash's <c>log</c>: the kernel message buffer as dmesg prints it.</summary>
[Command("log", Aliases = ["dmesg"], Help = "kernel log: [    0.000000] text lines (log [-m] [-t] [-n N])")]
public sealed class LogCommand(MemoryAnalyzer analyzer) : ICommand
{
    /// <summary>Show each message's level.</summary>
    [Option("-m", Help = "show the log level <N> of each message")]
    public bool Level { get; set; }

    /// <summary>Leave out timestamps.</summary>
    [Option("-t", Help = "leave out the timestamps")]
    public bool NoTimestamps { get; set; }

    /// <summary>Only the last N records.</summary>
    [Option("-n", Help = "only the last N records")]
    public int Tail { get; set; } = -1;

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        if (Tail < -1) throw new UsageException("log: -n takes a count of records (0 or more)");
        var log = analyzer.Log;
        var records = Tail >= 0 ? log.Records.Skip(Math.Max(0, log.Records.Count - Tail)) : log.Records;
        var lines = new List<string>();
        foreach (var record in records)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            lines.AddRange(LogText.Lines(record, !NoTimestamps, Level));
        }
        var result = new CommandResult();
        result.Add(new TextBlock(lines));
        result.Warnings.AddRange(log.Problems);
        return result;
    }
}
