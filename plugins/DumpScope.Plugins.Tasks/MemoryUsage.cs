namespace DumpScope.Plugins.Tasks;

/// <summary>A task's memory as ps shows it.</summary>
/// <param name="VszKiB">Virtual size (mm->total_vm pages) in KiB, null when unreadable.</param>
/// <param name="RssKiB">Resident set (file + anon + shmem pages) in KiB, null when unreadable.</param>
/// <param name="PercentOfRam">RSS as a percentage of totalram_pages, null when either is unknown.</param>
/// <param name="Problem">Why a value is missing, or null.</param>
public sealed record MemoryUsage(ulong? VszKiB, ulong? RssKiB, double? PercentOfRam, string? Problem)
{
    /// <summary>A kernel thread's usage: nothing.</summary>
    public static readonly MemoryUsage None = new(0, 0, 0, null) { FileKiB = 0, AnonKiB = 0, ShmemKiB = 0 };

    /// <summary>MM_FILEPAGES in KiB (with the tasks' unsynchronised deltas), when read.</summary>
    public ulong? FileKiB { get; init; }

    /// <summary>MM_ANONPAGES in KiB, when read.</summary>
    public ulong? AnonKiB { get; init; }

    /// <summary>MM_SHMEMPAGES in KiB (0 on kernels before 4.5, which count shmem as file pages), when read.</summary>
    public ulong? ShmemKiB { get; init; }
}
