namespace DumpScope.Plugins.Memory.Tasks;

/// <summary>The tasks found and any problems met on the way.</summary>
/// <param name="Tasks">Every task found, init_task first.</param>
/// <param name="Problems">Walks that ended early, tasks that could not be read.</param>
public sealed record TaskList(IReadOnlyList<TaskInfo> Tasks, IReadOnlyList<string> Problems);
