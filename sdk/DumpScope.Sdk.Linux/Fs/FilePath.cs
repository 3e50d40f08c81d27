namespace DumpScope.Sdk.Linux.Fs;

/// <summary>A path built from the dentry and mount trees, and what the walk met on the way.</summary>
/// <param name="Path">The path ("/fx/d/fx000", "pipe:[139]"); with a problem, the part that could be read, unreadable components as "?".</param>
/// <param name="Deleted">The dentry is unlinked (unhashed and not a root): the kernel shows " (deleted)" after the path.</param>
/// <param name="Detached">The walk ended at a mount that is in no namespace (lazily unmounted, or never attached).</param>
/// <param name="Problem">Why the path is incomplete (a dentry or mount unreadable, a cycle, a garbage name), or null.</param>
public sealed record FilePath(string Path, bool Deleted, bool Detached, string? Problem)
{
    /// <summary>The path as /proc/PID/fd shows it: " (deleted)" after an unlinked file.</summary>
    public string Display => Deleted ? Path + " (deleted)" : Path;
}
