namespace DumpScope.Sdk.Linux.Mm;

/// <summary>One line of kmem -i.</summary>
/// <param name="Name">The row as crash names it ("TOTAL MEM").</param>
/// <param name="Pages">The value in pages, null when unavailable.</param>
/// <param name="Absence">Why there is no value (<see cref="Absence.None"/> when there is one).</param>
/// <param name="Problem">The reason text for an absent value.</param>
/// <param name="PercentOf">The row the percentage is taken of ("TOTAL MEM"), null for base rows.</param>
/// <param name="Source">Where the value comes from in the kernel.</param>
/// <param name="Group">Rows of one group print together (memory, huge pages, swap, commit).</param>
public sealed record MemoryInfoRow(string Name, long? Pages, Absence Absence, string? Problem, string? PercentOf, string Source, int Group);
