namespace DumpScope.Host.Types.Dwarf;

/// <summary>
/// A unit header in .debug_info (DWARF 2–5: compile, partial and type units). Offsets are section offsets;
/// <see cref="DieOffset"/> is where the unit's first DIE starts.
/// </summary>
internal sealed class DwarfUnit(int index, long offset, long end, int version, byte unitType, int addressSize, int offsetSize,
    long abbrevOffset, long dieOffset, ulong typeSignature, long typeOffset)
{
    /// <summary>DW_UT_compile.</summary>
    public const byte UtCompile = 1;
    /// <summary>DW_UT_type.</summary>
    public const byte UtType = 2;
    /// <summary>DW_UT_partial.</summary>
    public const byte UtPartial = 3;
    /// <summary>DW_UT_skeleton.</summary>
    public const byte UtSkeleton = 4;
    /// <summary>DW_UT_split_compile.</summary>
    public const byte UtSplitCompile = 5;
    /// <summary>DW_UT_split_type.</summary>
    public const byte UtSplitType = 6;

    /// <summary>Position of the unit in .debug_info (0 for the first).</summary>
    public int Index { get; } = index;

    /// <summary>Section offset of the unit header.</summary>
    public long Offset { get; } = offset;

    /// <summary>Section offset just past the unit.</summary>
    public long End { get; } = end;

    /// <summary>DWARF version, 2 to 5.</summary>
    public int Version { get; } = version;

    /// <summary>DW_UT_* (DWARF 5); DW_UT_compile for older versions.</summary>
    public byte UnitType { get; } = unitType;

    /// <summary>Bytes in an address (4 or 8).</summary>
    public int AddressSize { get; } = addressSize;

    /// <summary>4 for 32-bit DWARF, 8 for 64-bit DWARF.</summary>
    public int OffsetSize { get; } = offsetSize;

    /// <summary>Offset of the unit's abbreviation table in .debug_abbrev.</summary>
    public long AbbrevOffset { get; } = abbrevOffset;

    /// <summary>Section offset of the unit's first DIE.</summary>
    public long DieOffset { get; } = dieOffset;

    /// <summary>A type unit's signature (0 otherwise).</summary>
    public ulong TypeSignature { get; } = typeSignature;

    /// <summary>Section offset of a type unit's type DIE (0 otherwise).</summary>
    public long TypeOffset { get; } = typeOffset;

    /// <summary>True for DW_UT_type and DW_UT_split_type.</summary>
    public bool IsTypeUnit => UnitType is UtType or UtSplitType;

    /// <summary>Offset of the unit's contribution to .debug_str_offsets, once the unit DIE was read.</summary>
    public ulong StrOffsetsBase { get; set; }

    /// <summary>Offset of the unit's contribution to .debug_addr, once the unit DIE was read.</summary>
    public ulong AddrBase { get; set; }

    /// <summary>True once <see cref="StrOffsetsBase"/> and <see cref="AddrBase"/> hold the unit DIE's values (read with Volatile).</summary>
    public bool BasesKnownField;

    /// <summary>True when <paramref name="offset"/> lies among the unit's DIEs.</summary>
    public bool Contains(long offset) => offset >= DieOffset && offset < End;

    /// <summary>A unit header as saved in the index cache (checked by the cache reader).</summary>
    public static DwarfUnit FromCache(int index, long offset, long end, int version, byte unitType, int addressSize, int offsetSize, long abbrevOffset,
        long dieOffset, ulong typeSignature, long typeOffset) =>
        new(index, offset, end, version, unitType, addressSize, offsetSize, abbrevOffset, dieOffset, typeSignature, typeOffset);

    /// <summary>Reads every unit header of .debug_info (a walk over unit lengths; no DIE is decoded).</summary>
    public static DwarfUnit[] ReadAll(DwarfSection info, int maxUnits)
    {
        var units = new List<DwarfUnit>();
        var cursor = new DwarfCursor(info, 0);
        while (cursor.Remaining > 0)
        {
            if (units.Count >= maxUnits)
                throw info.Error(cursor.Position, $"more than {maxUnits} units (the maximum this reader accepts)");
            units.Add(ReadHeader(ref cursor, units.Count));
            cursor.Position = (int)units[^1].End;
        }
        return units.ToArray();
    }

    private static DwarfUnit ReadHeader(ref DwarfCursor cursor, int index)
    {
        var info = cursor.Section;
        long offset = cursor.Position;
        ulong length = cursor.InitialLength(out int offsetSize);
        long contentStart = cursor.Position;
        if (length > (ulong)(info.Length - contentStart))
            throw info.Error(offset, $"unit length {length} runs past the end of {info.Name} ({info.Length - contentStart} bytes remain)");
        long end = contentStart + (long)length;
        int version = cursor.U16();
        if (version is < 2 or > 5)
            throw info.Error(offset + (offsetSize == 8 ? 12 : 4), $"unit version {version}; versions 2 to 5 are supported");
        byte unitType = UtCompile;
        int addressSize;
        long abbrevOffset;
        ulong signature = 0;
        long typeOffset = 0;
        if (version == 5)
        {
            unitType = cursor.U8();
            addressSize = cursor.U8();
            abbrevOffset = (long)cursor.Sized(offsetSize);
            switch (unitType)
            {
                case UtCompile or UtPartial:
                    break;
                case UtSkeleton or UtSplitCompile:
                    cursor.U64(); // dwo_id
                    break;
                case UtType or UtSplitType:
                    signature = cursor.U64();
                    typeOffset = (long)cursor.Sized(offsetSize);
                    break;
                default:
                    throw info.Error(offset, $"unit type 0x{unitType:x} is not a DWARF 5 unit type");
            }
        }
        else
        {
            abbrevOffset = (long)cursor.Sized(offsetSize);
            addressSize = cursor.U8();
        }
        if (addressSize is not (4 or 8))
            throw info.Error(offset, $"address size {addressSize}; expected 4 or 8");
        long dieOffset = cursor.Position;
        if (dieOffset > end)
            throw info.Error(offset, $"the unit header ({dieOffset - offset} bytes) is longer than the unit");
        if (typeOffset != 0)
        {
            if (typeOffset < dieOffset - offset || offset + typeOffset >= end)
                throw info.Error(offset, $"type unit: type_offset 0x{typeOffset:x} is outside the unit");
            typeOffset += offset;
        }
        return new DwarfUnit(index, offset, end, version, unitType, addressSize, offsetSize, abbrevOffset, dieOffset, signature, typeOffset);
    }
}
