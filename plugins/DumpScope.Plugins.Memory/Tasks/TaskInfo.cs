namespace DumpScope.Plugins.Memory.Tasks;

/// <summary>A task as the walker found it.</summary>
/// <param name="Address">The task_struct address.</param>
/// <param name="Pid">task_struct.pid (the thread id).</param>
/// <param name="Tgid">task_struct.tgid (the process id).</param>
/// <param name="Comm">task_struct.comm.</param>
/// <param name="Mm">task_struct.mm (0 for kernel threads).</param>
/// <param name="IsIdle">True for a CPU's idle task taken from runqueues (not on the task list).</param>
public sealed record TaskInfo(ulong Address, int Pid, int Tgid, string Comm, ulong Mm, bool IsIdle);
