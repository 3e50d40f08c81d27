namespace DumpScope.Sdk.Linux.Printk;

/// <summary>
/// Where a record header (struct printk_log before 5.10, struct printk_info since) keeps the syslog facility (a
/// byte) and the log level (a bitfield, 3 bits on x86-64). VMCOREINFO exports neither, so a layout read from it
/// has <see cref="None"/> and every record reads as level 0, facility 0. The same header's <c>caller_id</c> (a u32,
/// always in printk_info since the 5.10 ring, in printk_log only with CONFIG_PRINTK_CALLER, 5.1+) rides along.
/// </summary>
internal sealed record LogLevelFields(ulong? Facility, ulong? LevelBitOffset, uint LevelBits, ulong? CallerId = null)
{
    /// <summary>No facility, level or caller known.</summary>
    public static readonly LogLevelFields None = new(null, null, 0);

    /// <summary>The fields of <paramref name="header"/> (resolved), as far as it has them.</summary>
    public static LogLevelFields Of(KernelType header)
    {
        ulong? facility = header.TryFindMember("facility", out var fac) ? fac.Offset : null;
        ulong? caller = header.TryFindMember("caller_id", out var id) && id.Type.Resolve().Size == 4 ? id.Offset : null;
        return header.TryFindMember("level", out var level) && level.BitSize is > 0 and <= 8
            ? new LogLevelFields(facility, level.BitOffset, level.BitSize, caller)
            : new LogLevelFields(facility, null, 0, caller);
    }

    /// <summary>The caller_id of the header at <paramref name="at"/>, or null when the header has none.</summary>
    public uint? ReadCaller(ReadOnlySpan<byte> bytes, long at) =>
        CallerId is { } offset ? BinaryPrimitives.ReadUInt32LittleEndian(bytes[(int)(at + (long)offset)..]) : null;

    /// <summary>The level and facility of the header at <paramref name="at"/> in <paramref name="bytes"/>.</summary>
    public (int Level, int Facility) Read(ReadOnlySpan<byte> bytes, long at)
    {
        int facility = Facility is { } f ? bytes[(int)(at + (long)f)] : 0;
        int level = LevelBitOffset is { } bit ? (bytes[(int)(at + (long)(bit / 8))] >> (int)(bit % 8)) & ((1 << (int)LevelBits) - 1) : 0;
        return (level, facility);
    }
}
