using DumpScope.Sdk.Commands;
using DumpScope.Sdk.Linux.Objects;
using DumpScope.Sdk.Linux.Sched;

namespace BlockedTasks;

/// <summary>
/// The tasks in a given state, D (uninterruptible sleep) by default: what hung-task hunting starts with. Every
/// task comes from <see cref="KernelTasks.ForEachTask"/> (bounded, cycle-aware) and its state from
/// <see cref="KernelTasks.TaskStateOf"/>; a task that cannot be read is one marked row, never a failure.
/// </summary>
[Command("blocked", Help = "tasks in D state (or another: blocked -s S): blocked [-s LETTER]")]
public sealed class BlockedTasksCommand : ICommand
{
    /// <summary>The state letter to list, as /proc shows it.</summary>
    [Option("-s", "--state", Help = "state letter to list (default D)")]
    public string State { get; set; } = "D";

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        if (State.Length != 1) throw new UsageException("blocked: -s takes one state letter (D, S, R, I, T, Z…)");
        char wanted = char.ToUpperInvariant(State[0]);
        var kernel = context.Kernel;
        var result = new CommandResult();
        var table = result.Add(new TableBlock(new Column("PID", CellKind.Integer), new Column("CPU", CellKind.Integer),
            new Column("TASK", CellKind.Address), new Column("ST"), new Column("COMM")) { Title = $"tasks in state {wanted}" });

        var tasks = KernelTasks.ForEachTask(kernel, context.Cancellation);
        if (!tasks.IsComplete) result.Warnings.Add($"the task walk stopped early: {tasks.Problem}");
        foreach (var task in tasks.Items)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            try
            {
                var state = KernelTasks.TaskStateOf(task);
                if (state.Letter != wanted) continue;
                table.AddRow(Cell.Int(KernelTasks.TaskPid(task)), Cell.Int(KernelTasks.TaskCpu(task)), Cell.Address(task.Address),
                    Cell.Text(state.Letter.ToString()), Cell.Text(KernelTasks.TaskComm(task)));
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                var reason = KernelDataErrors.Reason(e);
                table.AddRow(Cell.Unreadable(reason, CellKind.Integer), Cell.Unreadable(reason, CellKind.Integer), Cell.Address(task.Address),
                    Cell.Unreadable(reason), Cell.Unreadable(reason)).Problem = reason;
            }
        }
        return result;
    }
}
