using DumpScope.Host.Expressions;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>
/// crash's <c>set</c>: the session's current task (<see cref="ICurrentContext"/>), which task commands run without a
/// PID or task argument use (<c>bt</c>, <c>task</c>, <c>vm</c>…). <c>set PID|TASK</c> chooses a task, <c>set -c CPU</c>
/// the task running on a CPU, <c>set --clear</c> goes back to each command's default; <c>set</c> alone shows it.
/// </summary>
[Command("set", Help = "the current task for task commands: set [PID|TASK] | set -c CPU | set --clear",
    Examples = ["set 1  make pid 1 the current task", "set -c 1  the task running on CPU 1", "set  show the current task"],
    SeeAlso = ["bt", "task", "foreach"])]
public sealed class SetCommand(ICurrentContext current) : ICommand
{
    /// <summary>-c: the task running on a CPU.</summary>
    [Option("-c", Help = "the task running on this CPU", ValueName = "CPU")]
    public int? Cpu { get; set; }

    /// <summary>--clear: forget the current task.</summary>
    [Option("--clear", Help = "forget the current task (commands go back to the panicking task)")]
    public bool Clear { get; set; }

    /// <summary>The task.</summary>
    [Argument(0, Name = "PID|TASK", Help = "a pid, or a task_struct address (hex, symbol)")]
    public string? Task { get; set; }

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        if ((Cpu is not null ? 1 : 0) + (Task is not null ? 1 : 0) + (Clear ? 1 : 0) > 1)
            throw new UsageException("set: give one of PID|TASK, -c CPU, --clear");
        if (Clear)
        {
            current.Clear();
            return CommandResult.FromText("current task cleared: task commands use their default (the panicking task)");
        }
        if (Cpu is { } cpu)
        {
            if (!kernel.OnlineCpus.Contains(cpu)) throw new UsageException($"set -c {cpu}: CPU {cpu} is not online (online: {kernel.OnlineCpus})");
            ulong curr;
            try
            {
                curr = Runqueues.CpuCurr(kernel, cpu).Address;
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                return CommandResult.Fail($"set -c {cpu}: the CPU's running task is unreadable: {KernelDataErrors.Reason(e)}");
            }
            current.Set(curr, cpu);
        }
        else if (Task is { } text)
        {
            var task = Resolve(kernel, text);
            int? taskCpu = null;
            try
            {
                taskCpu = KernelTasks.TaskCpu(task);
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                // The CPU is only shown; a task whose cpu field cannot be read is still a task.
            }
            current.Set(task.Address, taskCpu);
        }
        if (current.Task is not { } chosen)
            return CommandResult.FromText("no current task: task commands without a PID or task use the panicking task ('set PID' chooses one)");
        return Describe(kernel, chosen, current.Cpu);
    }

    /// <summary>A task from a pid (pid 0 is init_task) or an address.</summary>
    internal static KernelObject Resolve(IKernel kernel, string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
        {
            try
            {
                return (pid == 0 ? KernelTasks.InitTask(kernel) : KernelTasks.FindTask(kernel, pid))
                    ?? throw new UsageException($"no task has pid {pid}");
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                throw new UsageException($"pid {pid}: the pid table is unreadable: {KernelDataErrors.Reason(e)}");
            }
        }
        ulong address = ExpressionEvaluator.EvaluateAddress(kernel, text);
        if (!KernelAddress.IsKernel(address)) throw new UsageException($"'{text}' is neither a pid nor a kernel address");
        return new KernelObject(kernel, TaskStructLayout.Of(kernel).Task.Type, address);
    }

    private static CommandResult Describe(IKernel kernel, ulong address, int? cpu)
    {
        var task = new KernelObject(kernel, TaskStructLayout.Of(kernel).Task.Type, address);
        var result = new CommandResult();
        var record = result.Add(new RecordBlock());
        record.Add("PID", Read(() => Cell.Int(KernelTasks.TaskPid(task)), CellKind.Integer));
        record.Add("COMMAND", Read(() => Cell.Text(KernelTasks.TaskComm(task)), CellKind.Text));
        record.Add("TASK", Cell.Address(address), new NavigationTarget("task", new TaskTarget(address)));
        record.Add("CPU", cpu is { } c ? Cell.Int(c) : Read(() => Cell.Int(KernelTasks.TaskCpu(task)), CellKind.Integer));
        record.Add("STATE", Read(() => Cell.Enum(KernelTasks.TaskStateOf(task).Name), CellKind.Enum));
        return result;
    }

    private static Cell Read(Func<Cell> read, CellKind kind)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return Cell.Unreadable(KernelDataErrors.Reason(e), kind);
        }
    }
}
