using System.Runtime.InteropServices;

namespace DumpScope.Host.Types.Btf;

/// <summary>
/// Compares names by their string-section offsets without decoding them, and looks them up by UTF-8 bytes
/// (an alternate key), so the name index costs no string allocations.
/// </summary>
internal sealed class BtfStringComparer(BtfTypeTable table) : IEqualityComparer<uint>, IAlternateEqualityComparer<ReadOnlySpan<byte>, uint>
{
    public bool Equals(uint x, uint y) => x == y || table.StringBytes(x).SequenceEqual(table.StringBytes(y));

    public int GetHashCode(uint key) => Hash(table.StringBytes(key));

    public bool Equals(ReadOnlySpan<byte> alternate, uint other) => alternate.SequenceEqual(table.StringBytes(other));

    public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

    /// <summary>Only look-ups use the alternate key; names are added by offset.</summary>
    public uint Create(ReadOnlySpan<byte> alternate) => throw new NotSupportedException("names are added by string offset");

    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        // FNV-1a over 4-byte words then the tail: cheap for the short identifiers BTF holds.
        uint hash = 2166136261;
        var words = MemoryMarshal.Cast<byte, uint>(bytes);
        foreach (var w in words) hash = (hash ^ w) * 16777619;
        foreach (var b in bytes[(words.Length * 4)..]) hash = (hash ^ b) * 16777619;
        return (int)(hash ^ (hash >> 15));
    }
}
