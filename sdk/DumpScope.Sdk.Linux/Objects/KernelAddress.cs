namespace DumpScope.Sdk.Linux.Objects;

/// <summary>Plausibility of pointers read from a dump, before following them.</summary>
public static class KernelAddress
{
    /// <summary>
    /// True for an address in the kernel's upper half: x86-64's canonical kernel half (the upper 17 bits set) and
    /// arm64's TTBR1 range, which starts at 2^64 − 2^VA_BITS (the linear map at ffff0000… for 48-bit VA,
    /// fff00000… for 52-bit). The addresses this admits beyond x86-64's half are non-canonical there: following
    /// one fails as unmapped.
    /// </summary>
    public static bool IsKernel(ulong address) => address >= 0xfff0_0000_0000_0000UL;
}
