namespace DumpScope.Sdk.Linux.Sched;

/// <summary>A task's decoded state.</summary>
/// <param name="Letter">The kernel's letter ('R', 'S', 'D', 'I', 'Z'…), as /proc shows it.</param>
/// <param name="Name">The kernel's full string ("S (sleeping)").</param>
/// <param name="Code">crash's two-letter code ("IN" for S, "UN" for D, "ID" for I…).</param>
public sealed record TaskState(char Letter, string Name, string Code);
