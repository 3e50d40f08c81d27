namespace DumpScope.Host.Tests.Dumps;

/// <summary>
/// Kernel-text address arithmetic the tests use to find known data (init_uts_ns) in physical memory:
/// physical = virtual - __START_KERNEL_map + phys_base, all from the dump's own VMCOREINFO.
/// </summary>
internal static class KernelImage
{
    private const ulong StartKernelMap = 0xffffffff80000000UL;

    /// <summary>Physical address of a kernel-image symbol named in VMCOREINFO.</summary>
    public static ulong SymbolPhysical(VmcoreInfo info, string symbol)
    {
        info.TryGetSymbol(symbol, out var virt).Should().BeTrue($"VMCOREINFO names SYMBOL({symbol})");
        info.TryGetNumber("phys_base", out var physBase).Should().BeTrue("VMCOREINFO has NUMBER(phys_base)");
        return unchecked(virt - StartKernelMap + (ulong)physBase);
    }
}
