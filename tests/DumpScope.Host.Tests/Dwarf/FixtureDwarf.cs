using DumpScope.Host.Kernel;
using DumpScope.Host.Types.Dwarf;

namespace DumpScope.Host.Tests.Dwarf;

/// <summary>
/// The fixture kernel's DWARF vmlinux, opened once per test run (through the persistent index cache, so a
/// later run skips the indexing), and kd1 opened with it. Tests must not dispose them. Tests that use them
/// skip when the vmlinux cannot be fetched (and fail under CI).
/// </summary>
internal static class FixtureDwarf
{
    private static readonly Lazy<DwarfTypeCatalog> CatalogLazy = new(() => DwarfTypeCatalog.Open(Fixtures.Vmlinux));
    private static readonly Lazy<DumpKernel> Kd1Lazy = new(() =>
        KernelLoader.Open(DumpOpener.Open(Fixtures.Kd1Zlib), new KernelOpenOptions { VmlinuxPath = Fixtures.Vmlinux, Types = CatalogLazy.Value }));

    /// <summary>The catalog of vmlinux-6.1.0-56-cloud-amd64.</summary>
    public static DwarfTypeCatalog Catalog
    {
        get
        {
            // Ask Fixtures first so that a skip is not cached by the Lazy as a failure.
            _ = Fixtures.Vmlinux;
            return CatalogLazy.Value;
        }
    }

    /// <summary>kd1 (kdump zlib) with the vmlinux's symbols checked and its DWARF types.</summary>
    public static DumpKernel Kd1
    {
        get
        {
            _ = Fixtures.Kd1Zlib;
            _ = Catalog;
            return Kd1Lazy.Value;
        }
    }
}
