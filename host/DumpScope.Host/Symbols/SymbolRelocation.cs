namespace DumpScope.Host.Symbols;

/// <summary>
/// Applies the KASLR slide to link-time symbol values (System.map, vmlinux). Only kernel-image addresses
/// move: per-cpu symbols are offsets from __per_cpu_start (small absolute values) and stay put.
/// </summary>
internal static class SymbolRelocation
{
    /// <summary>__START_KERNEL_map: the lowest kernel-image address.</summary>
    public const ulong KernelImageStart = 0xffffffff80000000UL;

    /// <summary>The run-time address of a link-time symbol value.</summary>
    public static ulong Relocate(ulong linkAddress, ulong kaslrOffset) =>
        linkAddress >= KernelImageStart ? linkAddress + kaslrOffset : linkAddress;
}
