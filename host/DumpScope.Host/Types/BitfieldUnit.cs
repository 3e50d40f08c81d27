namespace DumpScope.Host.Types;

/// <summary>
/// Where a bitfield is shown, as pahole and crash show it: the offset of its storage unit (the size of its
/// declared type, aligned) and the bit position inside that unit — "objects:15" at 40:16, not 42:0.
/// </summary>
internal static class BitfieldUnit
{
    /// <summary>The unit's byte offset and the bit within it, for a bitfield at <paramref name="bitOffset"/>.</summary>
    public static (ulong Offset, ulong Bit) Of(ulong bitOffset, ulong unitSize)
    {
        ulong unit = Math.Max(unitSize, 1);
        ulong offset = bitOffset / 8 / unit * unit;
        return (offset, bitOffset - offset * 8);
    }
}
