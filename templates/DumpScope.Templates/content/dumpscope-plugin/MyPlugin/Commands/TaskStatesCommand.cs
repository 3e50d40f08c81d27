using DumpScope.Sdk.Commands;
using DumpScope.Sdk.Linux.Objects;
using DumpScope.Sdk.Linux.Sched;

namespace MyPlugin.Commands;

/// <summary>
/// How many tasks are in each state, and which are in D state: an example of the Linux helpers
/// (DumpScope.Sdk.Linux) — the task walk is theirs, bounded and cycle-aware; the plugin only counts and presents.
/// </summary>
[Command("myplugin-states", Help = "tasks per state, and the tasks in D state")]
public sealed class TaskStatesCommand : ICommand
{
    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        var result = new CommandResult();
        var walk = KernelTasks.ForEachTask(kernel, context.Cancellation);
        if (!walk.IsComplete) result.Warnings.Add($"the task walk stopped early: {walk.Problem}");

        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var blocked = new TableBlock(new Column("PID", CellKind.Integer), new Column("TASK", CellKind.Address), new Column("COMM")) { Title = "tasks in D state" };
        foreach (var task in walk.Items)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            try
            {
                var state = KernelTasks.TaskStateOf(task);
                counts[state.Name] = counts.GetValueOrDefault(state.Name) + 1;
                if (state.Letter == 'D')
                    blocked.AddRow(Cell.Int(KernelTasks.TaskPid(task)), Cell.Address(task.Address), Cell.Text(KernelTasks.TaskComm(task)));
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                // One unreadable task is counted as such; the others go on.
                counts["unreadable"] = counts.GetValueOrDefault("unreadable") + 1;
            }
        }
        var states = result.Add(new TableBlock(new Column("STATE"), new Column("TASKS", CellKind.Integer)));
        foreach (var (name, count) in counts) states.AddRow(Cell.Text(name), Cell.Int(count));
        result.Add(blocked);
        return result;
    }
}
