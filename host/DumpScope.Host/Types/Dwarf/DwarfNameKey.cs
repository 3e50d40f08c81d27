using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DumpScope.Host.Types.Dwarf;

/// <summary>
/// A name as bytes in place (in the mapped .debug_str or .debug_info), with its hash: the index builder
/// keys names this way so that millions of repeated names cost no string allocation. Valid while the
/// image's lease is held.
/// </summary>
internal readonly unsafe struct DwarfNameKey : IEquatable<DwarfNameKey>
{
    private readonly byte* _bytes;

    public DwarfNameKey(ReadOnlySpan<byte> bytes)
    {
        _bytes = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(bytes));
        Length = bytes.Length;
        var hash = new HashCode();
        hash.AddBytes(bytes);
        Hash = hash.ToHashCode();
    }

    /// <summary>Bytes in the name.</summary>
    public int Length { get; }

    /// <summary>Hash of the bytes.</summary>
    public int Hash { get; }

    /// <summary>True for the default (no name).</summary>
    public bool IsEmpty => Length == 0;

    /// <summary>The bytes.</summary>
    public ReadOnlySpan<byte> Bytes => new(_bytes, Length);

    /// <summary>The name as text.</summary>
    public override string ToString() => Encoding.UTF8.GetString(Bytes);

    /// <inheritdoc/>
    public bool Equals(DwarfNameKey other) =>
        Hash == other.Hash && Length == other.Length && (_bytes == other._bytes || Bytes.SequenceEqual(other.Bytes));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is DwarfNameKey other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Hash;
}
