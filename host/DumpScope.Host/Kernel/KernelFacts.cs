namespace DumpScope.Host.Kernel;

/// <summary>The facts <see cref="KernelFactsReader"/> reads once at open, and how fallbacks were used.</summary>
internal sealed record KernelFacts(
    string Release,
    int PageSize,
    ulong KaslrOffset,
    uint NrCpuIds,
    uint NrNodeIds,
    CpuMask PossibleCpus,
    CpuMask OnlineCpus,
    CpuMask PresentCpus,
    ulong[]? PerCpuOffsets,
    MemoryFault? PerCpuFault,
    IReadOnlyList<string> Notes);
