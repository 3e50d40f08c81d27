namespace DumpScope.Plugins.Diff.Comparison;

/// <summary>How one thing differs between the old and the new dump.</summary>
public enum Change
{
    /// <summary>In both, the same.</summary>
    Unchanged,
    /// <summary>In both, different numbers (a cache's counts, a task's RSS or state).</summary>
    Changed,
    /// <summary>Only in the new dump (a cache created, a task started, a module loaded).</summary>
    Appeared,
    /// <summary>Only in the old dump (a cache destroyed, a task exited, a module unloaded).</summary>
    Vanished,
    /// <summary>In both, but unreadable in one or both: no numbers are compared.</summary>
    Unreadable,
}

/// <summary>The words the tables use.</summary>
public static class ChangeWords
{
    /// <summary>"changed", "appeared", "vanished", "unreadable", "unchanged".</summary>
    public static string Word(this Change change) => change switch
    {
        Change.Changed => "changed",
        Change.Appeared => "appeared",
        Change.Vanished => "vanished",
        Change.Unreadable => "unreadable",
        _ => "unchanged",
    };
}
