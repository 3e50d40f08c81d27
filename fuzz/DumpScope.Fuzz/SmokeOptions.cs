namespace DumpScope.Fuzz;

/// <summary>Bounds of one smoke pass.</summary>
public sealed record SmokeOptions
{
    /// <summary>Most mutated inputs run after the corpus.</summary>
    public int MaxMutations { get; init; } = 3000;

    /// <summary>Fewest mutated inputs run even when the time budget is spent (a loaded machine must not turn the pass
    /// into a corpus-only run).</summary>
    public int MinMutations { get; init; } = 64;

    /// <summary>Stop mutating after this long (the corpus always runs whole).</summary>
    public TimeSpan TimeBudget { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>One input taking longer than this is a hang.</summary>
    public TimeSpan InputTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Seed of the mutator (combined with the harness name).</summary>
    public ulong Seed { get; init; } = 12;

    /// <summary>Where crashing inputs are written (crash-&lt;harness&gt;-&lt;sha1&gt;), or null for the temp folder.</summary>
    public string? FindingsDirectory { get; init; }
}
