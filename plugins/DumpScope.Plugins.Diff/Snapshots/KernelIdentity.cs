namespace DumpScope.Plugins.Diff.Snapshots;

/// <summary>What says which kernel build and which boot a dump is of.</summary>
/// <param name="Release">OSRELEASE (utsname release).</param>
/// <param name="BuildId">VMCOREINFO BUILD-ID (the vmlinux's GNU build-id), null when the dump does not carry it.</param>
/// <param name="KernelOffset">The KASLR offset: chosen anew at every boot (unless nokaslr).</param>
/// <param name="HasVmcoreInfo">False when the dump has no VMCOREINFO (build-id and boot cannot be checked).</param>
public sealed record KernelIdentity(string Release, string? BuildId, ulong KernelOffset, bool HasVmcoreInfo)
{
    /// <summary>The identity of a kernel.</summary>
    public static KernelIdentity Of(IKernel kernel) => kernel.VmcoreInfo is { } info
        ? new KernelIdentity(info.OsRelease ?? kernel.Release, info.BuildId, kernel.KaslrOffset, true)
        : new KernelIdentity(kernel.Release, null, kernel.KaslrOffset, false);
}
