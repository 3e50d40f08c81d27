using DumpScope.Sdk.Linux.Block;

namespace DumpScope.Plugins.Files.Commands;

/// <summary>
/// crash's <c>dev</c>: the registered character devices (major, name, struct cdev, its file operations) and block
/// majors (major, name, the disk with that major and its block_device_operations).
/// </summary>
[Command("dev", Help = "registered character and block devices: dev (dev -d: disk I/O in flight)",
    Examples = ["dev  character and block device majors", "dev -d  each disk's requests in flight"], SeeAlso = ["mount", "files"])]
public sealed class DevCommand(FileAnalyzer analyzer) : ICommand
{
    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = analyzer.Kernel;
        var result = new CommandResult();
        var problems = new List<string>();
        var chr = result.Add(new TableBlock(new Column("CHRDEV", CellKind.Integer), new Column("NAME"), new Column("CDEV", CellKind.Address), new Column("OPERATIONS"))
            { TextFromRows = true, Title = "CHRDEV    NAME                 CDEV        OPERATIONS" });
        try
        {
            foreach (var dev in DeviceMajors.ForEachChrdev(kernel, problems, context.Cancellation))
            {
                string? ops = dev.Operations != 0 ? analyzer.SymbolOrHex(dev.Operations) : null;
                var row = chr.AddRow(Cell.UInt(dev.Major), dev.Name is { } n ? Cell.Text(n) : Cell.Unreadable(dev.Problem ?? "unreadable"),
                    dev.Cdev != 0 ? Cell.Address(dev.Cdev) : Cell.NotApplicable(CellKind.Address),
                    ops is not null ? Cell.Text(ops) : Cell.NotApplicable());
                row.Text = Line(dev.Major, dev.Name, dev.Cdev, ops);
                row.Problem = dev.Problem;
                row.WithTarget("struct char_device_struct", new ObjectTarget("struct char_device_struct", dev.Address));
                if (dev.Cdev != 0) row.WithTarget("struct cdev", new ObjectTarget("struct cdev", dev.Cdev));
            }
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            result.Warnings.Add($"dev: the character devices are unreadable: {KernelDataErrors.Reason(e)}");
        }
        var blk = result.Add(new TableBlock(new Column("BLKDEV", CellKind.Integer), new Column("NAME"), new Column("GENDISK", CellKind.Address), new Column("OPERATIONS"))
            { TextFromRows = true, Title = "BLKDEV    NAME                GENDISK      OPERATIONS" });
        try
        {
            var disks = analyzer.Disks(result.Warnings, context.Cancellation);
            foreach (var major in DeviceMajors.ForEachBlkdevMajor(kernel, problems, context.Cancellation))
            {
                var disk = disks.FirstOrDefault(d => d.Major == major.Major);
                string? ops = disk is { Operations: not 0 } ? analyzer.SymbolOrHex(disk.Operations) : null;
                var row = blk.AddRow(Cell.UInt(major.Major), major.Name is { } n ? Cell.Text(n) : Cell.Unreadable(major.Problem ?? "unreadable"),
                    disk is not null ? Cell.Address(disk.Gendisk) : Cell.NotApplicable(CellKind.Address),
                    ops is not null ? Cell.Text(ops) : Cell.NotApplicable());
                row.Text = Line(major.Major, major.Name, disk?.Gendisk ?? 0, ops);
                row.Problem = major.Problem;
                if (disk is not null) row.WithTarget("struct gendisk", new ObjectTarget("struct gendisk", disk.Gendisk));
            }
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            result.Warnings.Add($"dev: the block devices are unreadable: {KernelDataErrors.Reason(e)}");
        }
        result.Warnings.AddRange(problems.Select(p => $"dev: {p}"));
        return result;
    }

    // crash's row: the major right-aligned in 4, the name from column 10 padded to 15, then the object or a
    // centred "(none)" in 16 columns and two spaces before the operations' symbol.
    private static string Line(uint major, string? name, ulong address, string? ops)
    {
        var line = new CrashLine().To($"{major,4}", 10).Add((name ?? "?").PadRight(15));
        if (address == 0) return line.Add(CrashLine.Centred("(none)", 16)).ToString();
        return line.Add(CrashLine.Hex(address)).Add("  ").Add(ops ?? "").ToString();
    }
}
