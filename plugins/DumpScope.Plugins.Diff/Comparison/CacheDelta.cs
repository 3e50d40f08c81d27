using DumpScope.Plugins.Diff.Snapshots;

namespace DumpScope.Plugins.Diff.Comparison;

/// <summary>One slab cache compared: its two snapshots (either may be missing) and the growth of each count.</summary>
public sealed record CacheDelta(string Name, CacheSnapshot? Old, CacheSnapshot? New)
{
    /// <summary>How the cache changed; a cache unreadable in either dump is <see cref="Change.Unreadable"/>.</summary>
    public Change Change =>
        Old is null ? Change.Appeared
        : New is null ? Change.Vanished
        : Old.Problem is not null || New.Problem is not null || Old.Allocated is null || New.Allocated is null ? Change.Unreadable
        : Old.Allocated == New.Allocated && Old.Slabs == New.Slabs ? Change.Unchanged
        : Change.Changed;

    /// <summary>Growth in allocated objects (a vanished cache counts as all freed, an appeared one as all new), null when unknown.</summary>
    public long? Objects => Delta(c => c.Allocated);

    /// <summary>Growth in slabs, null when unknown.</summary>
    public long? Slabs => Delta(c => c.Slabs);

    /// <summary>Growth in bytes held in slabs, null when unknown.</summary>
    public long? Bytes => Delta(c => c.Bytes);

    /// <summary>Why the numbers are not compared: the problems of either side.</summary>
    public string? Problem => string.Join("; ", new[] { Old?.Problem is { } o ? $"old: {o}" : null, New?.Problem is { } n ? $"new: {n}" : null }.OfType<string>()) is { Length: > 0 } p ? p : null;

    private long? Delta(Func<CacheSnapshot, long?> count)
    {
        if (Change == Change.Unreadable) return null;
        long? before = Old is null ? 0 : count(Old), after = New is null ? 0 : count(New);
        return before is { } b && after is { } a ? a - b : null;
    }
}
