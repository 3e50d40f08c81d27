using DumpScope.Sdk.Linux.Time;

namespace DumpScope.Plugins.Diff.Snapshots;

/// <summary>What says which kernel build and which boot a dump is of.</summary>
/// <param name="Release">OSRELEASE (utsname release).</param>
/// <param name="BuildId">VMCOREINFO BUILD-ID (the vmlinux's GNU build-id), null when the dump does not carry it.</param>
/// <param name="KernelOffset">The KASLR offset: chosen anew at every boot (unless nokaslr).</param>
/// <param name="HasVmcoreInfo">False when the dump has no VMCOREINFO (build-id and boot cannot be checked).</param>
public sealed record KernelIdentity(string Release, string? BuildId, ulong KernelOffset, bool HasVmcoreInfo)
{
    /// <summary>Time since boot when the dump was taken (ktime_get_boottime), null when unreadable: orders two dumps of one boot.</summary>
    public TimeSpan? Uptime { get; init; }

    /// <summary>The identity of a kernel.</summary>
    public static KernelIdentity Of(IKernel kernel)
    {
        var identity = kernel.VmcoreInfo is { } info
            ? new KernelIdentity(info.OsRelease ?? kernel.Release, info.BuildId, kernel.KaslrOffset, true)
            : new KernelIdentity(kernel.Release, null, kernel.KaslrOffset, false);
        return identity with { Uptime = Timekeeping.KtimeGetBoottime(kernel, out _, out _) };
    }
}
