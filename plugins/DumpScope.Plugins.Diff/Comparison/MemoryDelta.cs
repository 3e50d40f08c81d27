namespace DumpScope.Plugins.Diff.Comparison;

/// <summary>One kmem -i counter in both dumps (pages), with why one is missing.</summary>
public sealed record MemoryDelta(string Name, long? OldPages, long? NewPages, string? Problem)
{
    /// <summary>Growth in pages, null when either is unknown.</summary>
    public long? Pages => OldPages is { } a && NewPages is { } b ? b - a : null;
}
