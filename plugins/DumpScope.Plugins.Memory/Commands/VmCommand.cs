using System.Globalization;
using DumpScope.Plugins.Memory.Tasks;
using DumpScope.Sdk.Commands;
using DumpScope.Sdk.Linux;
using DumpScope.Sdk.Memory;

namespace DumpScope.Plugins.Memory.Commands;

/// <summary>crash's <c>vm PID</c>: a process's virtual memory areas.</summary>
[Command("vm", Help = "virtual memory areas of a task: VMA START END FLAGS FILE (vm PID)")]
public sealed class VmCommand(MemoryAnalyzer analyzer) : ICommand
{
    /// <summary>The task's pid.</summary>
    [Argument(0, Name = "PID", Help = "the task's pid", Required = true)]
    public string Pid { get; set; } = "";

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        if (!int.TryParse(Pid, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) || pid < 0)
            throw new UsageException($"vm: '{Pid}' is not a pid");
        var kernel = analyzer.Kernel;
        var tasks = TaskWalker.Walk(kernel, context.Cancellation);
        var task = tasks.Tasks.FirstOrDefault(t => t.Pid == pid && !t.IsIdle);
        if (task is null)
            return CommandResult.Fail($"vm: no task with pid {pid}" + (tasks.Problems.Count > 0 ? $" (the task walk was incomplete: {tasks.Problems[0]})" : ""));
        var result = new CommandResult();
        var header = result.Add(new RecordBlock());
        header.Add("PID", Cell.Int(task.Pid)).Add("TASK", Cell.Address(task.Address)).Add("COMMAND", Cell.Text(task.Comm))
            .Add("MM", task.Mm == 0 ? Cell.NotApplicable(CellKind.Address) : Cell.Address(task.Mm));
        if (task.Mm == 0)
        {
            result.Add(new TextBlock(["(a kernel thread: no user address space)"]));
            return result;
        }
        WalkResultOrFault(kernel, task, result, context);
        return result;
    }

    private static void WalkResultOrFault(Sdk.Kernel.IKernel kernel, TaskInfo task, CommandResult result, CommandContext context)
    {
        var table = result.Add(new TableBlock(new Column("VMA", CellKind.Address), new Column("START", CellKind.Address),
            new Column("END", CellKind.Address), new Column("FLAGS", CellKind.Hex), new Column("FILE")));
        try
        {
            var vmas = VmaReader.Read(kernel, task.Mm, context.Cancellation);
            foreach (var vma in vmas.Items)
            {
                var row = table.AddRow(Cell.Address(vma.Address), Cell.Address(vma.Start), Cell.Address(vma.End), Cell.Hex(vma.Flags),
                    vma.File is { } f ? Cell.Text(f) : Cell.NotApplicable());
                row.Problem = vma.Problem;
                row.WithTarget("struct vm_area_struct", $"struct vm_area_struct {vma.Address:x}");
            }
            if (!vmas.IsComplete) result.Warnings.Add($"VMAs of mm {task.Mm:x}: {vmas.Problem}; the VMAs before that point are listed");
        }
        catch (MemoryFaultException e)
        {
            result.Warnings.Add($"mm {task.Mm:x}: {e.Fault.Message}");
        }
    }
}
