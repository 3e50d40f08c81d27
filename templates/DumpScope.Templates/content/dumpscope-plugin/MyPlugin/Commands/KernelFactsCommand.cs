using DumpScope.Sdk.Commands;
using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Linux.PerCpu;

namespace MyPlugin.Commands;

/// <summary>Shows a few facts of the dumped kernel: an example of reading IKernel and returning a record.</summary>
[Command("myplugin-facts", Help = "release, CPUs and nodes of the dumped kernel")]
public sealed class KernelFactsCommand : ICommand
{
    /// <summary>Also show the per-cpu offset of each possible CPU.</summary>
    [Option("-p", "--per-cpu", Help = "list each possible CPU's per-cpu offset")]
    public bool PerCpu { get; set; }

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        var result = new CommandResult();
        result.Add(new RecordBlock())
            .Add("RELEASE", Cell.Text(kernel.Release))
            .Add("NR_CPU_IDS", Cell.UInt(kernel.NrCpuIds))
            .Add("NR_NODE_IDS", Cell.UInt(kernel.NrNodeIds))
            .Add("POSSIBLE CPUS", Cell.Text(kernel.PossibleCpus.ToString()));
        if (PerCpu)
        {
            var table = result.Add(new TableBlock(new Column("CPU", CellKind.Integer), new Column("PER_CPU_OFFSET", CellKind.Hex)));
            foreach (var cpu in kernel.ForEachPossibleCpu())
                table.AddRow(Cell.Int(cpu), Cell.Hex(kernel.PerCpuOffset(cpu)));
        }
        return result;
    }
}
