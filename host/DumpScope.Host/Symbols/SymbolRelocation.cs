namespace DumpScope.Host.Symbols;

/// <summary>
/// Applies the KASLR slide to link-time symbol values (System.map, vmlinux). Only kernel-image addresses
/// move: per-cpu symbols are offsets from __per_cpu_start (small absolute values) and stay put. x86-64's image
/// starts at __START_KERNEL_map; arm64's (KIMAGE_VADDR) is lower and per-cpu symbols there are ordinary image
/// addresses, so every kernel-half value moves (<see cref="Arm64KernelHalf"/>).
/// </summary>
internal static class SymbolRelocation
{
    /// <summary>__START_KERNEL_map: the lowest kernel-image address.</summary>
    public const ulong KernelImageStart = 0xffffffff80000000UL;

    /// <summary>arm64: the lowest address that moves, the kernel half.</summary>
    public const ulong Arm64KernelHalf = 1UL << 63;

    /// <summary>The run-time address of a link-time symbol value; values from <paramref name="imageStart"/> up move.</summary>
    public static ulong Relocate(ulong linkAddress, ulong kaslrOffset, ulong imageStart = KernelImageStart) =>
        linkAddress >= imageStart ? linkAddress + kaslrOffset : linkAddress;
}
