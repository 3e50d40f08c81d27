namespace DumpScope.Host.Types.Btf;

/// <summary>
/// The BTF header (<c>struct btf_header</c>): magic 0xeB9F, version 1, flags, header length, then the type
/// and string sections as offsets and lengths counted from the end of the header.
/// </summary>
/// <param name="Version">Format version (1).</param>
/// <param name="Flags">Header flags (none defined).</param>
/// <param name="HeaderLength">Bytes of header; the sections are counted from here.</param>
/// <param name="TypeOffset">Type section offset after the header.</param>
/// <param name="TypeLength">Type section length.</param>
/// <param name="StringOffset">String section offset after the header.</param>
/// <param name="StringLength">String section length.</param>
internal readonly record struct BtfHeader(byte Version, byte Flags, uint HeaderLength, uint TypeOffset, uint TypeLength, uint StringOffset, uint StringLength)
{
    /// <summary>The magic as a little-endian u16.</summary>
    public const ushort Magic = 0xeB9F;

    /// <summary>Size of the header fields this reader knows.</summary>
    public const int MinimumLength = 24;

    /// <summary>Absolute start of the type section.</summary>
    public int TypeStart => (int)(HeaderLength + TypeOffset);

    /// <summary>Absolute end of the type section.</summary>
    public int TypeEnd => TypeStart + (int)TypeLength;

    /// <summary>Absolute start of the string section.</summary>
    public int StringStart => (int)(HeaderLength + StringOffset);

    /// <summary>
    /// Reads and checks the header against the buffer: every section must lie inside it, the type section
    /// must be 4-byte aligned, the string section must start and end with NUL. Split BTF's string section
    /// continues its base's, whose first string is the empty one, so it may start with any string.
    /// </summary>
    public static BtfHeader Parse(ReadOnlySpan<byte> data, string source, bool split = false)
    {
        if (data.Length < MinimumLength)
            throw BtfError.At(source, 0, $"expected a {MinimumLength}-byte BTF header, the data holds {data.Length} bytes");
        ushort magic = BinaryPrimitives.ReadUInt16LittleEndian(data);
        if (magic != Magic)
        {
            if (BinaryPrimitives.ReadUInt16BigEndian(data) == Magic)
                throw new NotSupportedException($"{source}: big-endian BTF is not supported");
            throw BtfError.At(source, 0, $"expected the BTF magic 0xeb9f, found 0x{magic:x4}");
        }
        byte version = data[2];
        if (version != 1)
            throw new NotSupportedException($"{source}: BTF version {version} is not supported (only version 1)");
        var header = new BtfHeader(
            version,
            data[3],
            BinaryPrimitives.ReadUInt32LittleEndian(data[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(data[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(data[12..]),
            BinaryPrimitives.ReadUInt32LittleEndian(data[16..]),
            BinaryPrimitives.ReadUInt32LittleEndian(data[20..]));
        header.Check(data, source, split);
        return header;
    }

    private void Check(ReadOnlySpan<byte> data, string source, bool split)
    {
        ulong length = (ulong)data.Length;
        if (HeaderLength < MinimumLength || HeaderLength > length)
            throw BtfError.At(source, 4, $"hdr_len {HeaderLength} must be at least {MinimumLength} and within the {length} bytes of data");
        // A longer header than ours describes sections added after version 1 was fixed; the type and string
        // sections keep their meaning, so the extra fields are skipped rather than refused.
        ulong available = length - HeaderLength;
        if ((ulong)TypeOffset + TypeLength > available)
            throw BtfError.At(source, 8, $"type section (type_off {TypeOffset}, type_len {TypeLength}) ends past the {available} bytes after the header");
        if ((ulong)StringOffset + StringLength > available)
            throw BtfError.At(source, 16, $"string section (str_off {StringOffset}, str_len {StringLength}) ends past the {available} bytes after the header");
        if (TypeOffset % 4 != 0)
            throw BtfError.At(source, 8, $"type_off {TypeOffset} is not 4-byte aligned");
        if (TypeLength % 4 != 0)
            throw BtfError.At(source, 12, $"type_len {TypeLength} is not a multiple of 4");
        bool overlap = TypeLength > 0 && StringLength > 0 &&
            TypeOffset < (ulong)StringOffset + StringLength && StringOffset < (ulong)TypeOffset + TypeLength;
        if (overlap)
            throw BtfError.At(source, 8, $"type section [{TypeOffset}, {TypeOffset + (ulong)TypeLength}) overlaps string section [{StringOffset}, {StringOffset + (ulong)StringLength})");
        if (StringLength == 0)
            throw BtfError.At(source, 20, "str_len is 0: the string section must hold at least the empty string");
        if (!split && data[StringStart] != 0)
            throw BtfError.At(source, StringStart, "the string section must start with the empty string (a NUL byte)");
        if (data[StringStart + (int)StringLength - 1] != 0)
            throw BtfError.At(source, StringStart + StringLength - 1, "the string section must end with a NUL byte");
    }
}
