namespace DumpScope.Plugins.Tasks;

/// <summary>One line of the process tree.</summary>
/// <param name="Task">The task.</param>
/// <param name="Depth">Distance from its root (0 for a root).</param>
/// <param name="Prefix">The ASCII branches drawn before the name ("|  `- ").</param>
/// <param name="Problem">Why the task is placed where it is when not under its parent, or null.</param>
public sealed record TreeLine(TaskInfo Task, int Depth, string Prefix, string? Problem);
