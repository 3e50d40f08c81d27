namespace DumpScope.Testing.DumpWriters;

/// <summary>
/// A big machine for <see cref="SparseDumpWriter"/>: every frame below <see cref="MaxPfn"/> is RAM, and runs of
/// <see cref="RunPages"/> dumped frames start every <see cref="RunStride"/> frames (at <see cref="RunOffset"/>
/// within each stride); everything else is excluded, as makedumpfile -d 31 leaves a mostly idle machine.
/// </summary>
public sealed record SparseDumpSpec
{
    /// <summary>Frames of the physical address space (2^28 for 1 TiB of 4 KiB pages).</summary>
    public required ulong MaxPfn { get; init; }

    /// <summary>Dumped frames per run.</summary>
    public ulong RunPages { get; init; } = 256;

    /// <summary>Frames from one run's start to the next.</summary>
    public ulong RunStride { get; init; } = 1UL << 18;

    /// <summary>Where in each stride the run starts (frame 0 is not RAM on real machines either).</summary>
    public ulong RunOffset { get; init; } = 256;

    /// <summary>kdump page codec.</summary>
    public TestPageCodec Codec { get; init; } = TestPageCodec.Zlib;

    /// <summary>VMCOREINFO text.</summary>
    public string VmcoreInfo { get; init; } = "OSRELEASE=6.1.0-synthetic\nPAGESIZE=4096\nCRASHTIME=1700000000\n";

    /// <summary>Page size in bytes.</summary>
    public int PageSize { get; init; } = 4096;

    /// <summary>
    /// The dumped frames as explicit runs (ascending, not overlapping) instead of the <see cref="RunStride"/>
    /// pattern: a synthetic kernel's placed pages (<see cref="KernelDumpFile"/>).
    /// </summary>
    public IReadOnlyList<(ulong Start, ulong Count)>? DumpedRuns { get; init; }

    /// <summary>The content of a dumped frame; default <see cref="DumpWriter.PatternPage"/>. Called in parallel.</summary>
    public Func<ulong, byte[]>? PageContent { get; init; }

    /// <summary>The dumped frames, run by run, in frame order.</summary>
    public IEnumerable<(ulong Start, ulong Count)> Runs()
    {
        if (DumpedRuns is { } explicitRuns)
        {
            foreach (var run in explicitRuns) yield return run;
            yield break;
        }
        for (ulong start = RunOffset; start < MaxPfn; start += RunStride)
            yield return (start, Math.Min(RunPages, MaxPfn - start));
    }

    /// <summary>Number of dumped frames.</summary>
    public ulong DumpedPages => Runs().Aggregate(0UL, (sum, run) => sum + run.Count);
}
