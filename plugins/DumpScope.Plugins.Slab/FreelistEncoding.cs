using System.Buffers.Binary;

namespace DumpScope.Plugins.Slab;

/// <summary>
/// How SLUB stores free pointers. With CONFIG_SLAB_FREELIST_HARDENED the stored value is
/// ptr ^ s->random ^ (address where it is stored), byte-swapped on kernels since 5.7 (and backports);
/// which variant a kernel uses is detected from the data, not from its version.
/// </summary>
public enum FreelistEncoding
{
    /// <summary>Plain pointers.</summary>
    Plain,
    /// <summary>ptr ^ random ^ address.</summary>
    Xor,
    /// <summary>ptr ^ random ^ swab(address).</summary>
    XorSwab,
}

/// <summary>Decoding of stored free pointers.</summary>
public static class FreelistDecoder
{
    /// <summary>The next free object from the value <paramref name="stored"/> read at <paramref name="storedAt"/>.</summary>
    public static ulong Decode(FreelistEncoding encoding, ulong random, ulong stored, ulong storedAt) => encoding switch
    {
        FreelistEncoding.Xor => stored ^ random ^ storedAt,
        FreelistEncoding.XorSwab => stored ^ random ^ BinaryPrimitives.ReverseEndianness(storedAt),
        _ => stored,
    };
}
