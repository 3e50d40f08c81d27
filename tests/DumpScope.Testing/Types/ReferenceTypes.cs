using DumpScope.Host.Types.Btf;
using ZstdSharp;

namespace DumpScope.Testing.Types;

/// <summary>
/// The types of a real kernel, bundled so synthetic kernels can be laid out exactly as that kernel lays its
/// structures out, without any fixture on disk: the raw .BTF section of Debian's 6.1.0-56-cloud-amd64
/// (CONFIG_DEBUG_INFO_BTF=y; the same bytes as vmlinux.btf of the fixtures and as the kd1 dump's memory
/// between __start_BTF and __stop_BTF), stored zstd-compressed as an embedded resource.
/// </summary>
public static class ReferenceTypes
{
    private const string Resource = "DumpScope.Testing.Types.vmlinux-6.1.0-56-cloud-amd64.btf.zst";

    private static readonly Lazy<byte[]> BytesLazy = new(Load);
    private static readonly Lazy<BtfTypeCatalog> CatalogLazy = new(() => BtfTypeCatalog.FromBytes(BytesLazy.Value, "bundled BTF of 6.1.0-56-cloud-amd64"));

    /// <summary>The raw BTF bytes (a fresh copy: callers may damage it).</summary>
    public static byte[] Debian61Bytes => (byte[])BytesLazy.Value.Clone();

    /// <summary>The catalog of those types, parsed once per test run.</summary>
    public static BtfTypeCatalog Debian61 => CatalogLazy.Value;

    private static byte[] Load()
    {
        using var stream = typeof(ReferenceTypes).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"resource {Resource} missing from {typeof(ReferenceTypes).Assembly.GetName().Name}");
        using var decoder = new DecompressionStream(stream);
        using var bytes = new MemoryStream();
        decoder.CopyTo(bytes);
        return bytes.ToArray();
    }
}
