using DumpScope.Plugins.Diff.Snapshots;

namespace DumpScope.Plugins.Diff.Comparison;

/// <summary>A task that appeared, vanished or changed (state, parent, RSS) between the dumps.</summary>
public sealed record TaskChange(Change Change, TaskSnapshot? Old, TaskSnapshot? New)
{
    /// <summary>The task as last seen.</summary>
    public TaskSnapshot Task => New ?? Old!;

    /// <summary>True when the state letter differs (both known).</summary>
    public bool StateChanged => Old?.State is { } a && New?.State is { } b && a != b;

    /// <summary>RSS growth in KiB (tasks in both dumps with both readable), else null.</summary>
    public long? RssGrowthKiB => Old?.RssKiB is { } a && New?.RssKiB is { } b ? b - a : null;
}
