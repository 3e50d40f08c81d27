using DumpScope.Host.Types.Btf;

namespace DumpScope.Host.Tests.Types;

/// <summary>The fixture kernel's BTF, loaded once for all tests (tests that use it skip when it is absent).</summary>
internal static class FixtureBtf
{
    private static readonly Lazy<BtfTypeCatalog> CatalogLazy = new(() => BtfTypeCatalog.FromFile(Fixtures.Btf));

    /// <summary>The catalog of the Debian 6.1 kernel's vmlinux.btf.</summary>
    public static BtfTypeCatalog Catalog
    {
        get
        {
            // Fixtures.Btf skips the test when the file is absent; ask it first so a skip is not cached as a failure.
            _ = Fixtures.Btf;
            return CatalogLazy.Value;
        }
    }
}
