using DumpScope.Plugins.Memory.Log;
using DumpScope.Sdk.Linux.Printk;

namespace DumpScope.Plugins.Memory.Commands;

/// <summary>crash's <c>log</c>: the kernel message buffer as dmesg prints it.</summary>
[Command("log", Aliases = ["dmesg"], Help = "kernel log: [    0.000000] text lines (log [-m] [-t] [-c] [-n N])",
    Examples = ["log  the whole kernel log", "log -n 20  the last 20 records", "log -m  with the level of each record", "log -t  without timestamps", "log -c  with the caller (task pid or CPU) of each record"], SeeAlso = ["sys"])]
public sealed class LogCommand(MemoryAnalyzer analyzer) : ICommand
{
    /// <summary>Show each message's level.</summary>
    [Option("-m", Help = "show the log level <N> of each message")]
    public bool Level { get; set; }

    /// <summary>Show each message's caller.</summary>
    [Option("-c", Help = "show the caller of each message: [    T123] a task's pid, [    C1] a CPU outside task context")]
    public bool Caller { get; set; }

    /// <summary>Leave out timestamps.</summary>
    [Option("-t", Help = "leave out the timestamps")]
    public bool NoTimestamps { get; set; }

    /// <summary>Only the last N records.</summary>
    [Option("-n", Help = "only the last N records", Minimum = 0, ValueName = "N")]
    public int? Tail { get; set; }

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var log = analyzer.Log;
        var records = Tail is { } tail ? log.Records.Skip(Math.Max(0, log.Records.Count - tail)) : log.Records;
        var lines = new List<string>();
        var entries = new TableBlock(new Column("SEQ", CellKind.Integer, "sequence"), new Column("TIMESTAMP", CellKind.Integer, "timestamp_ns"),
            new Column("LEVEL", CellKind.Integer, "level"), new Column("FACILITY", CellKind.Integer, "facility"), new Column("CALLER", Key: "caller"),
            new Column("TEXT", Key: "text"));
        foreach (var record in records)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            lines.AddRange(LogText.Lines(record, !NoTimestamps, Level, Caller));
            var caller = record.Caller is { } c ? Cell.Text(c) : Cell.NotAvailable("the record header has no caller_id (log_buf without CONFIG_PRINTK_CALLER, or a layout from VMCOREINFO)");
            entries.AddRow(Cell.UInt(record.Sequence), Cell.UInt(record.TimestampNs), Cell.Int(record.Level), Cell.Int(record.Facility), caller, Cell.Text(record.Text));
        }
        var result = new CommandResult();
        result.Add(new TextBlock(lines) { Entries = entries });
        result.Warnings.AddRange(log.Problems);
        return result;
    }
}
