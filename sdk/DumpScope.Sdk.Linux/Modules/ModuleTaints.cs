using DumpScope.Sdk.Linux.Panic;

namespace DumpScope.Sdk.Linux.Modules;

/// <summary>The kernel's taint flag letters (kernel/panic.c taint_flags[], indexed by TAINT_* bit).</summary>
public static class ModuleTaints
{
    /// <summary>The letters of the set bits, in the order the kernel prints them (bit order).</summary>
    public static string Letters(ulong taints) => Taints.Letters(taints);
}
