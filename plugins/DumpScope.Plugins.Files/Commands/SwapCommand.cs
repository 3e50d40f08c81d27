using DumpScope.Sdk.Linux.Mm;

namespace DumpScope.Plugins.Files.Commands;

/// <summary>crash's <c>swap</c>: each swap area in use: its swap_info_struct, partition or file, size, use, priority, path.</summary>
[Command("swap", Help = "swap areas: swap_info_struct, type (PARTITION/FILE), size, used, percent, priority, file name",
    Examples = ["swap  the swap areas in use"], SeeAlso = ["kmem -i"])]
public sealed class SwapCommand(FileAnalyzer analyzer) : ICommand
{
    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = analyzer.Kernel;
        IReadOnlyList<SwapDevice> devices;
        try
        {
            devices = SwapInfo.ForEachSwapDevice(kernel);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return CommandResult.Fail($"swap: swap_info is unreadable: {KernelDataErrors.Reason(e)}");
        }
        var result = new CommandResult();
        var table = result.Add(new TableBlock(new Column("SWAP_INFO_STRUCT", CellKind.Address), new Column("TYPE", CellKind.Enum), new Column("SIZE", CellKind.Size),
            new Column("USED", CellKind.Size), new Column("PCT", CellKind.Percent), new Column("PRI", CellKind.Integer), new Column("FILENAME"))
            { TextFromRows = true, Title = "SWAP_INFO_STRUCT    TYPE       SIZE       USED     PCT  PRI  FILENAME" });
        ulong pageKiB = (ulong)kernel.PageSize / 1024;
        foreach (var swap in devices)
        {
            var file = swap.File != 0 ? analyzer.Describe(swap.File) : null;
            string type = file?.Type == "BLK" ? "PARTITION" : file?.Type is null ? "?" : "FILE";
            double pct = swap.Pages == 0 ? 0 : 100.0 * swap.InUse / swap.Pages;
            string problem = swap.Problem ?? file?.Problem ?? "unreadable";
            var row = table.AddRow(Cell.Address(swap.Address), Cell.Enum(type), Cell.Size(swap.Pages * pageKiB * 1024), Cell.Size(swap.InUse * pageKiB * 1024),
                Cell.Percent(pct), Cell.Int(swap.Priority), file?.Path is { } path ? Cell.Text(path.Display) : Cell.Unreadable(problem));
            row.Text = $"{swap.Address:x16}  {type,-9} {swap.Pages * pageKiB + "k",10} {swap.InUse * pageKiB + "k",10} {pct,4:0}%  {swap.Priority,4}  {file?.Path?.Display ?? "?"}";
            row.Problem = swap.Problem ?? file?.Problem;
            row.WithTarget("struct swap_info_struct", new ObjectTarget("struct swap_info_struct", swap.Address));
            if (swap.File != 0) row.WithTarget("struct file", new ObjectTarget("struct file", swap.File));
        }
        return result;
    }
}
