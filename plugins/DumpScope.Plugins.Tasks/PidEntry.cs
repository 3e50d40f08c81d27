namespace DumpScope.Plugins.Tasks;

/// <summary>One struct pid of the initial PID namespace and the tasks attached to it as PIDTYPE_PID.</summary>
/// <param name="Address">The struct pid.</param>
/// <param name="Id">The number it is stored under in the namespace (for an idr: index + idr_base).</param>
/// <param name="Nr">numbers[0].nr (the pid number in the initial namespace), when readable.</param>
/// <param name="Tasks">Tasks on pid->tasks[PIDTYPE_PID] (normally one; none for a pid kept only as a process group or session id).</param>
/// <param name="Problem">What is wrong with the entry, or null.</param>
public sealed record PidEntry(ulong Address, ulong Id, int? Nr, IReadOnlyList<ulong> Tasks, string? Problem);
