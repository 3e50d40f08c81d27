namespace DumpScope.Sdk.Linux.Slab.Slub;

/// <summary>
/// How SLUB stores free pointers. With CONFIG_SLAB_FREELIST_HARDENED (4.14, commit 2482ddec670f) the stored value
/// is ptr ^ s->random ^ (address where it is stored); 5.7 (commit 1ad53d9fa3f6, "slub: improve bit diffusion for
/// freelist ptr obfuscation") byte-swaps the address, and distributions backported it unevenly: which variant a
/// kernel uses is detected from the data, never from its version.
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
