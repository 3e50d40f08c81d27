namespace DumpScope.Sdk.Linux.Objects;

/// <summary>Plausibility of pointers read from a dump, before following them.</summary>
public static class KernelAddress
{
    /// <summary>
    /// True for an address in the kernel half of any supported machine: x86-64's canonical kernel half (0xffff8… with
    /// 4-level paging, 0xff00… with 5-level paging: LA57 CPUs run Debian's and RHEL's kernels that way, page_offset_base
    /// 0xff11…) and arm64's TTBR1 range, whose linear map starts at PAGE_OFFSET = −2^VA_BITS (0xffff0… for 48-bit,
    /// 0xfff0… for 52-bit VA). A value in that band that the running kernel's paging cannot reach passes this cheap
    /// test and then fails its read as non-canonical or unmapped.
    /// </summary>
    public static bool IsKernel(ulong address) => address >= 0xff00_0000_0000_0000UL;
}
