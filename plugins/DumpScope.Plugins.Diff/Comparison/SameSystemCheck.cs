using DumpScope.Plugins.Diff.Snapshots;

namespace DumpScope.Plugins.Diff.Comparison;

/// <summary>The verdict on whether two dumps can be compared.</summary>
/// <param name="Refusal">Why not (one line), or null when they can.</param>
/// <param name="SameBoot">True when both are of one boot (same build, same KASLR offset): tasks match by task_struct address.</param>
/// <param name="Warnings">What the comparison could not verify or compares loosely.</param>
public sealed record SameSystemVerdict(string? Refusal, bool SameBoot, IReadOnlyList<string> Warnings);

/// <summary>
/// The rule of diff: two dumps of the same kernel build, and of the same boot. A build differs when OSRELEASE or
/// VMCOREINFO's BUILD-ID differ: structure layouts, caches and symbols then do not correspond, and diff refuses.
/// A boot differs when the KASLR offset (KERNELOFFSET, drawn anew at each boot) differs: the build matches, so
/// the counters can be set side by side, but tasks, pids and objects of two boots are unrelated; diff refuses
/// unless asked (<c>--other-boot</c>), and then matches tasks by pid and comm and says so. Without VMCOREINFO the
/// build-id and boot cannot be checked: only the release is compared, with a warning.
/// </summary>
public static class SameSystemCheck
{
    /// <summary>Checks <paramref name="old"/> against <paramref name="new"/>.</summary>
    public static SameSystemVerdict Check(KernelIdentity old, KernelIdentity @new, bool allowOtherBoot)
    {
        var warnings = new List<string>();
        if (!string.Equals(old.Release, @new.Release, StringComparison.Ordinal))
            return new($"not the same kernel: the old dump runs {old.Release}, the new one {@new.Release}; diff compares two dumps of one running system", false, warnings);
        if (old.BuildId is { } a && @new.BuildId is { } b && !string.Equals(a, b, StringComparison.OrdinalIgnoreCase))
            return new($"not the same kernel build: both run {old.Release} but their BUILD-IDs differ ({Short(a)} vs {Short(b)}); diff compares two dumps of one running system", false, warnings);
        if (!old.HasVmcoreInfo || !@new.HasVmcoreInfo)
        {
            warnings.Add("a dump has no VMCOREINFO: only the release was checked, not the build-id or the boot");
            return new(null, old.KernelOffset == @new.KernelOffset, warnings);
        }
        if (old.BuildId is null || @new.BuildId is null) warnings.Add("a dump's VMCOREINFO has no BUILD-ID: the kernel build was checked by release only");
        if (old.KernelOffset == @new.KernelOffset)
        {
            // Within one boot the uptime orders the dumps: growth is NEW minus OLD, so NEW must be the later one.
            if (old.Uptime is { } then && @new.Uptime is { } now && now < then)
                warnings.Add($"the new dump was taken before the old one (uptime {Seconds(now)} s vs {Seconds(then)} s): every change below is reversed; give the earlier dump first");
            return new(null, true, warnings);
        }
        string boots = $"different boots (KASLR offset {old.KernelOffset:x} vs {@new.KernelOffset:x})";
        if (!allowOtherBoot)
            return new($"the dumps are of {boots} of {old.Release}: tasks, pids and objects do not correspond; --other-boot compares them anyway", false, warnings);
        warnings.Add($"{boots}: tasks are matched by pid and comm, which two boots share only by chance");
        return new(null, false, warnings);
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);

    private static string Short(string buildId) => buildId.Length > 12 ? buildId[..12] : buildId;
}
