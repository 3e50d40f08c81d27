using DumpScope.Sdk.Linux.Block;

namespace DumpScope.Plugins.Files.Commands;

/// <summary>crash's <c>dev -d</c>: each disk's gendisk, name, request queue and the requests in flight (total, reads, writes).</summary>
[Command("dev", Selector = "-d", Help = "disk I/O: gendisk, name, request queue, requests in flight (total, read, write)",
    Examples = ["dev -d  the requests in flight per disk"], SeeAlso = ["dev"])]
public sealed class DevDisksCommand(FileAnalyzer analyzer) : ICommand
{
    /// <summary>The selector flag.</summary>
    [Option("-d", Help = "disk I/O statistics")]
    public bool Disks { get; set; }

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = analyzer.Kernel;
        var result = new CommandResult();
        IReadOnlyList<DiskInfo> disks;
        try
        {
            disks = analyzer.Disks(result.Warnings, context.Cancellation);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return CommandResult.Fail($"dev -d: the disks are unreadable: {KernelDataErrors.Reason(e)}");
        }
        var table = result.Add(new TableBlock(new Column("MAJOR", CellKind.Integer), new Column("GENDISK", CellKind.Address), new Column("NAME"),
            new Column("REQUEST_QUEUE", CellKind.Address), new Column("TOTAL", CellKind.Integer), new Column("READ", CellKind.Integer),
            new Column("WRITE", CellKind.Integer), new Column("COUNTED", CellKind.Enum, "counted_from"))
            { TextFromRows = true, Title = "MAJOR GENDISK            NAME       REQUEST_QUEUE      TOTAL  READ WRITE" });
        foreach (var disk in disks)
        {
            InFlight? inFlight = null;
            string? problem = disk.Problem;
            try
            {
                inFlight = global::DumpScope.Sdk.Linux.Block.Disks.DiskInFlight(kernel, disk);
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                problem = $"in-flight requests unreadable: {KernelDataErrors.Reason(e)}";
            }
            Cell Count(long? v) => v is { } n ? Cell.Int(n) : Cell.Unreadable(problem ?? "unreadable", CellKind.Integer);
            var row = table.AddRow(Cell.UInt(disk.Major), Cell.Address(disk.Gendisk), disk.Name is { } n ? Cell.Text(n) : Cell.Unreadable(problem ?? "unreadable"),
                Cell.Address(disk.Queue), Count(inFlight?.Total), Count(inFlight?.Read), Count(inFlight?.Write),
                inFlight is null ? Cell.NotAvailable(problem ?? "unreadable", CellKind.Enum) : Cell.Enum(inFlight.MultiQueue ? "blk-mq tags" : "part stats"));
            string Number(long? v, int width) => (v?.ToString(CultureInfo.InvariantCulture) ?? "?").PadLeft(width);
            row.Text = $"{disk.Major,5} {disk.Gendisk:x16}   {(disk.Name ?? "?"),-10} {disk.Queue:x16} {Number(inFlight?.Total, 7)} {Number(inFlight?.Read, 5)} {Number(inFlight?.Write, 5)}";
            row.Problem = problem;
            row.WithTarget("struct gendisk", new ObjectTarget("struct gendisk", disk.Gendisk));
            if (disk.Queue != 0) row.WithTarget("struct request_queue", new ObjectTarget("struct request_queue", disk.Queue));
        }
        return result;
    }
}
