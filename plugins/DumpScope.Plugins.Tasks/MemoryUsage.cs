namespace DumpScope.Plugins.Tasks;

/// <summary>A task's memory as ps shows it.</summary>
/// <param name="VszKiB">Virtual size (mm->total_vm pages) in KiB, null when unreadable.</param>
/// <param name="RssKiB">Resident set (file + anon + shmem pages) in KiB, null when unreadable.</param>
/// <param name="PercentOfRam">RSS as a percentage of totalram_pages, null when either is unknown.</param>
/// <param name="Problem">Why a value is missing, or null.</param>
public sealed record MemoryUsage(ulong? VszKiB, ulong? RssKiB, double? PercentOfRam, string? Problem)
{
    /// <summary>A kernel thread's usage: nothing.</summary>
    public static readonly MemoryUsage None = new(0, 0, 0, null);
}
