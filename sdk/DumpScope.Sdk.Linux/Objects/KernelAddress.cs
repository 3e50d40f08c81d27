namespace DumpScope.Sdk.Linux.Objects;

/// <summary>Plausibility of pointers read from a dump, before following them.</summary>
public static class KernelAddress
{
    /// <summary>
    /// True for an address in the kernel half of any supported machine: x86-64's canonical kernel half
    /// (0xffff8… with 4-level paging) and arm64's TTBR1 range, whose linear map starts lower (PAGE_OFFSET =
    /// −2^VA_BITS: 0xffff0… for 48-bit, 0xfff0… for 52-bit VA). A value between 0xfff0… and 0xffff7… on a 4-level
    /// x86-64 kernel passes this cheap test and then fails its read as non-canonical.
    /// </summary>
    public static bool IsKernel(ulong address) => address >= 0xfff0_0000_0000_0000UL;
}
