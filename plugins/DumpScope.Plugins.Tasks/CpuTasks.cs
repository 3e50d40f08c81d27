namespace DumpScope.Plugins.Tasks;

/// <summary>What one CPU's runqueue and the dump's notes say about it.</summary>
/// <param name="Cpu">The CPU number.</param>
/// <param name="Runqueue">Address of runqueues[cpu] (struct rq), when known.</param>
/// <param name="Current">rq->curr: the task running on the CPU when the dump was taken.</param>
/// <param name="Idle">rq->idle: the CPU's idle task (swapper/N).</param>
/// <param name="NotePid">The pid in the dump's PRSTATUS note for this CPU, when the notes map onto CPUs.</param>
/// <param name="Problem">Why something above is missing, or null.</param>
public sealed record CpuTasks(int Cpu, ulong? Runqueue, ulong? Current, ulong? Idle, int? NotePid, string? Problem);
