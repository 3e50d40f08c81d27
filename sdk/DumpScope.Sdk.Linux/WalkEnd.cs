namespace DumpScope.Sdk.Linux;

/// <summary>How a walk of a linked structure ended.</summary>
public enum WalkEnd
{
    /// <summary>The list closed normally (back at the head, or NULL for NULL-terminated lists).</summary>
    Completed,
    /// <summary>A node was reached twice: the list loops without returning to its head.</summary>
    Cycle,
    /// <summary>The caller's bound on the number of nodes was reached.</summary>
    BoundReached,
    /// <summary>A link could not be read (excluded page, unmapped address…).</summary>
    Fault,
    /// <summary>A link holds an impossible value (NULL inside a circular list, a non-kernel address).</summary>
    CorruptLink,
    /// <summary>The walk was cancelled.</summary>
    Cancelled,
}
