namespace DumpScope.Plugins.Diff.Snapshots;

/// <summary>One task at one moment.</summary>
/// <param name="Address">Its task_struct.</param>
/// <param name="Pid">pid (the thread id).</param>
/// <param name="Tgid">tgid (the process id).</param>
/// <param name="Ppid">The real parent's pid, null when unreadable.</param>
/// <param name="Comm">comm.</param>
/// <param name="State">The state letter (ps's ST: R, S, D, I, Z…), null when unreadable.</param>
/// <param name="RssKiB">The resident set of its mm in KiB (0 for kernel threads), null when unreadable.</param>
/// <param name="Problem">What could not be read, or null.</param>
public sealed record TaskSnapshot(ulong Address, int Pid, int Tgid, int? Ppid, string Comm, string? State, long? RssKiB, string? Problem)
{
    /// <summary>True for a thread group leader (the process: its RSS is the whole group's).</summary>
    public bool IsLeader => Pid == Tgid;
}
