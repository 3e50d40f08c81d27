using DumpScope.Plugins.Memory.Vm;

namespace DumpScope.Plugins.Memory.Commands;

/// <summary>crash's <c>vm PID</c>: a process's virtual memory areas.</summary>
[Command("vm", Help = "virtual memory areas of a task: VMA START END FLAGS FILE (vm [PID|TASK])",
    Examples = ["vm 1  the memory areas of pid 1", "vm ffff888003a4c000  of the task at an address"], SeeAlso = ["ps", "task"])]
public sealed class VmCommand(MemoryAnalyzer analyzer) : ICommand
{
    /// <summary>The task's pid.</summary>
    [Argument(0, Name = "PID|TASK", Help = "the task's pid or task_struct address (default: the current task of set)")]
    public string? Pid { get; set; }

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = analyzer.Kernel;
        KernelObject? chosen = null;
        int pid = -1;
        if (Pid is null)
        {
            if (context.CurrentTask is not { } current) throw new UsageException("vm: give a PID or task address (or choose a current task with set)");
            chosen = kernel.Object("struct task_struct", current);
        }
        else if (!int.TryParse(Pid, NumberStyles.Integer, CultureInfo.InvariantCulture, out pid) || pid < 0)
        {
            if (!(Arguments.TryParseAddress(Pid, out var address0) && KernelAddress.IsKernel(address0)))
                throw new UsageException($"vm: '{Pid}' is not a pid or a task address");
            chosen = kernel.Object("struct task_struct", address0);
        }
        int taskPid;
        string comm;
        ulong address, mm;
        try
        {
            var task = chosen ?? KernelTasks.FindTask(kernel, pid);
            if (task is null) return CommandResult.Fail($"vm: no task with pid {pid}");
            (address, taskPid, comm) = (task.Address, KernelTasks.TaskPid(task), KernelTasks.TaskComm(task));
            mm = task["mm"].ReadPointer();
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return CommandResult.Fail($"vm: task {Pid ?? "(current)"}: {KernelDataErrors.Reason(e)}");
        }
        var result = new CommandResult();
        var header = result.Add(new RecordBlock());
        header.Add("PID", Cell.Int(taskPid)).Add("TASK", Cell.Address(address)).Add("COMMAND", Cell.Text(comm))
            .Add("MM", mm == 0 ? Cell.NotApplicable(CellKind.Address) : Cell.Address(mm));
        if (mm == 0)
        {
            result.Add(new TextBlock(["(a kernel thread: no user address space)"]));
            return result;
        }
        var table = result.Add(new TableBlock(new Column("VMA", CellKind.Address), new Column("START", CellKind.Address),
            new Column("END", CellKind.Address), new Column("FLAGS", CellKind.Hex), new Column("FILE")));
        try
        {
            var vmas = VmaTable.Read(kernel, mm, context.Cancellation);
            foreach (var vma in vmas.Items)
            {
                var row = table.AddRow(Cell.Address(vma.Address), Cell.Address(vma.Start), Cell.Address(vma.End), Cell.Hex(vma.Flags),
                    vma.File is { } f ? Cell.Text(f) : Cell.NotApplicable());
                row.Problem = vma.Problem;
                row.WithTarget("struct vm_area_struct", $"struct vm_area_struct {vma.Address:x}");
            }
            if (!vmas.IsComplete) result.Warnings.Add($"VMAs of mm {mm:x}: {vmas.Problem}; the VMAs before that point are listed");
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            result.Warnings.Add($"mm {mm:x}: {KernelDataErrors.Reason(e)}");
        }
        return result;
    }
}
