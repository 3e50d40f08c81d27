namespace DumpScope.Sdk.Linux.Objects;

/// <summary>Plausibility of pointers read from a dump, before following them.</summary>
public static class KernelAddress
{
    /// <summary>True for a canonical x86-64 kernel-half address (the upper 17 bits set).</summary>
    public static bool IsKernel(ulong address) => address >= 0xffff_8000_0000_0000UL;
}
