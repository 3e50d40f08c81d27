using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace DumpScope.Host.Types.Dwarf;

/// <summary>
/// The DWARF of one ELF image: the sections, the unit headers, abbreviation tables (parsed on demand and
/// cached), and DIE decoding at any offset. Reads nothing eagerly beyond the unit headers. Thread-safe.
/// </summary>
internal sealed class DwarfFile
{
    /// <summary>Most units accepted in .debug_info.</summary>
    public const int MaxUnits = 1 << 22;

    /// <summary>Most children listed for one DIE (a struct's members, an enum's values).</summary>
    public const int MaxChildren = 1 << 20;

    private readonly long[] _unitOffsets;
    private readonly ConcurrentDictionary<(long Offset, int AddressSize, int OffsetSize, int Version), DwarfAbbreviationTable> _tables = new();

    /// <summary>Reads the sections and unit headers (or takes the headers from the index cache).</summary>
    public DwarfFile(DwarfElfImage image, DwarfUnit[]? cachedUnits = null)
    {
        Image = image;
        Info = image.GetSection(".debug_info");
        Abbrev = image.GetSection(".debug_abbrev");
        Str = image.GetSection(".debug_str");
        LineStr = image.GetSection(".debug_line_str");
        StrOffsets = image.GetSection(".debug_str_offsets");
        Addr = image.GetSection(".debug_addr");
        if (!Info.Exists) throw new NotSupportedException($"{image.Path}: the file has no .debug_info section (no DWARF debug information)");
        if (!Abbrev.Exists) throw DwarfError.InFile(image.Path, 0, "the file has .debug_info but no .debug_abbrev section");
        Units = cachedUnits ?? DwarfUnit.ReadAll(Info, MaxUnits);
        _unitOffsets = Units.Select(u => u.Offset).ToArray();
    }

    public DwarfElfImage Image { get; }
    public string Path => Image.Path;
    public DwarfSection Info { get; }
    public DwarfSection Abbrev { get; }
    public DwarfSection Str { get; }
    public DwarfSection LineStr { get; }
    public DwarfSection StrOffsets { get; }
    public DwarfSection Addr { get; }

    /// <summary>Unit headers in section order.</summary>
    public DwarfUnit[] Units { get; }

    /// <summary>The unit whose DIEs include <paramref name="offset"/>; malformed data otherwise.</summary>
    public DwarfUnit UnitAt(long offset, long referencedFrom = -1)
    {
        int i = Array.BinarySearch(_unitOffsets, offset);
        if (i < 0) i = ~i - 1;
        if (i >= 0 && Units[i].Contains(offset)) return Units[i];
        string from = referencedFrom >= 0 ? $" (referenced from 0x{referencedFrom:x})" : "";
        throw Info.Error(offset, $"a DIE is expected here{from}, but the offset is not inside any unit's DIEs ({Info.Name} is {Info.Length} bytes)");
    }

    /// <summary>The unit whose header starts at <paramref name="offset"/> (a .debug_aranges unit offset), or null.</summary>
    public DwarfUnit? UnitStartingAt(long offset)
    {
        int i = Array.BinarySearch(_unitOffsets, offset);
        return i >= 0 ? Units[i] : null;
    }

    /// <summary>The abbreviation table of a unit.</summary>
    public DwarfAbbreviationTable Abbreviations(DwarfUnit unit) =>
        _tables.GetOrAdd((unit.AbbrevOffset, unit.AddressSize, unit.OffsetSize, unit.Version),
            key => DwarfAbbreviationTable.Parse(Abbrev, key.Offset, key.AddressSize, key.OffsetSize, key.Version));

    /// <summary>Decodes the DIE at an offset (which must start a DIE of some unit).</summary>
    public DwarfDie ReadDie(long offset, long referencedFrom = -1)
    {
        var unit = UnitAt(offset, referencedFrom);
        EnsureBases(unit);
        return ReadDie(unit, offset);
    }

    private DwarfDie ReadDie(DwarfUnit unit, long offset) => ReadDie(unit, Abbreviations(unit), offset, -1);

    /// <summary>Decodes a DIE of <paramref name="unit"/> with a given abbreviation table (the index builder's own).</summary>
    public DwarfDie ReadDie(DwarfUnit unit, DwarfAbbreviationTable table, long offset, long referencedFrom)
    {
        if (!unit.Contains(offset))
            throw Info.Error(offset, $"a DIE is expected here{(referencedFrom >= 0 ? $" (referenced from 0x{referencedFrom:x})" : "")}, but the offset is outside the unit's DIEs (0x{unit.DieOffset:x}..0x{unit.End:x})");
        var cursor = new DwarfCursor(Info, (int)offset);
        ulong code = cursor.Uleb();
        if (code == 0) throw Info.Error(offset, "a DIE is expected here, but this is a null entry (the end of a list of children)");
        var abbreviation = table.Get(code, Info, offset);
        var specs = abbreviation.Attributes;
        var values = new DwarfAttributeValue[specs.Length];
        for (int i = 0; i < specs.Length; i++) values[i] = DwarfForms.Read(ref cursor, specs[i], unit);
        if (cursor.Position > unit.End) throw Info.Error(offset, $"the DIE's attributes run past the end of its unit (0x{unit.End:x})");
        return new DwarfDie(offset, unit, abbreviation, values, cursor.Position);
    }

    /// <summary>The children of a DIE, in order (none when it has no children).</summary>
    public List<DwarfDie> Children(DwarfDie parent)
    {
        var list = new List<DwarfDie>();
        if (!parent.HasChildren) return list;
        var unit = parent.Unit;
        long position = parent.End;
        while (true)
        {
            if (position >= unit.End)
                throw Info.Error(position, $"the children of {parent.Describe()} run past the end of the unit (0x{unit.End:x}); the terminating null entry is missing");
            if (Info.Span[(int)position] == 0) return list;
            if (list.Count >= MaxChildren) throw Info.Error(position, $"{parent.Describe()} has more than {MaxChildren} children");
            var child = ReadDie(unit, position);
            list.Add(child);
            position = NextSibling(child);
        }
    }

    /// <summary>Where the next sibling of a DIE starts: past its attributes, or past its subtree.</summary>
    public long NextSibling(DwarfDie die)
    {
        if (!die.HasChildren) return die.End;
        if (die.TryGet(DwarfAttribute.Sibling, out var sibling) && sibling.IsLocalReference)
        {
            CheckSibling(die.Unit, die.Offset, (long)sibling.Value);
            return (long)sibling.Value;
        }
        return SkipChildren(die.Unit, die.End);
    }

    /// <summary>A DW_AT_sibling must point forward inside the unit: a backward one would loop.</summary>
    public void CheckSibling(DwarfUnit unit, long dieOffset, long sibling)
    {
        if (sibling <= dieOffset || sibling > unit.End)
            throw Info.Error(dieOffset, $"DW_AT_sibling 0x{sibling:x} does not point forward inside the unit (0x{unit.DieOffset:x}..0x{unit.End:x})");
    }

    /// <summary>Steps over a list of children starting at <paramref name="position"/>, through its terminating null entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long SkipChildren(DwarfUnit unit, long position, DwarfAbbreviationTable? table = null)
    {
        table ??= Abbreviations(unit);
        var cursor = new DwarfCursor(Info, (int)position);
        int depth = 1;
        while (depth > 0)
        {
            if (cursor.Position >= unit.End)
                throw Info.Error(cursor.Position, $"a list of children runs past the end of the unit (0x{unit.End:x}); the terminating null entry is missing");
            long dieOffset = cursor.Position;
            ulong code = cursor.Uleb();
            if (code == 0)
            {
                depth--;
                continue;
            }
            var abbreviation = table.Get(code, Info, dieOffset);
            long sibling = SkipAttributes(ref cursor, abbreviation, unit);
            if (!abbreviation.HasChildren) continue;
            if (sibling > 0)
            {
                CheckSibling(unit, dieOffset, sibling);
                cursor.Position = (int)sibling;
            }
            else depth++;
        }
        return cursor.Position;
    }

    /// <summary>Steps over a DIE's attribute values; returns its DW_AT_sibling target, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static long SkipAttributes(ref DwarfCursor cursor, DwarfAbbreviation abbreviation, DwarfUnit unit)
    {
        if (abbreviation.FixedSize >= 0 && !abbreviation.HasSibling)
        {
            cursor.Skip((ulong)abbreviation.FixedSize);
            return -1;
        }
        long sibling = -1;
        foreach (var spec in abbreviation.Attributes)
        {
            if (spec.Name == DwarfAttribute.Sibling)
            {
                var value = DwarfForms.Read(ref cursor, spec, unit);
                if (value.IsLocalReference) sibling = (long)value.Value;
            }
            else DwarfForms.Skip(ref cursor, spec.Form, unit);
        }
        return sibling;
    }

    /// <summary>Reads the unit DIE's DW_AT_str_offsets_base and DW_AT_addr_base, once.</summary>
    public void EnsureBases(DwarfUnit unit)
    {
        if (Volatile.Read(ref unit.BasesKnownField)) return;
        var die = ReadDie(unit, unit.DieOffset);
        ApplyBases(unit, die.Values);
    }

    /// <summary>Records the string-offset and address bases from the unit DIE's values.</summary>
    public void ApplyBases(DwarfUnit unit, ReadOnlySpan<DwarfAttributeValue> values)
    {
        ulong strBase = 0, addrBase = 0;
        bool haveStr = false;
        foreach (var v in values)
        {
            if (v.Name == DwarfAttribute.StrOffsetsBase) { strBase = v.Value; haveStr = true; }
            else if (v.Name is DwarfAttribute.AddrBase or DwarfAttribute.GnuAddrBase) addrBase = v.Value;
        }
        // Without the attribute, a unit's contribution starts after the 8- or 16-byte header (DWARF 5 §7.26).
        unit.StrOffsetsBase = haveStr ? strBase : unit.Version >= 5 ? (ulong)(unit.OffsetSize * 2) : 0;
        unit.AddrBase = addrBase;
        Volatile.Write(ref unit.BasesKnownField, true);
    }

    /// <summary>The bytes of a string-class attribute value and where they are (for in-place name keys).</summary>
    public ReadOnlySpan<byte> StringBytes(DwarfAttributeValue value, DwarfUnit unit, out DwarfSection section, out int offset)
    {
        switch (value.Form)
        {
            case DwarfForm.String:
                section = Info;
                offset = value.DataOffset;
                return Info.Span.Slice(value.DataOffset, value.DataLength);
            case DwarfForm.Strp:
                section = Str;
                break;
            case DwarfForm.LineStrp:
                section = LineStr;
                break;
            case DwarfForm.Strx or DwarfForm.Strx1 or DwarfForm.Strx2 or DwarfForm.Strx3 or DwarfForm.Strx4 or DwarfForm.GnuStrIndex:
                {
                    section = Str;
                    ulong entry = unit.StrOffsetsBase + value.Value * (ulong)unit.OffsetSize;
                    if (entry > (ulong)StrOffsets.Length || (ulong)unit.OffsetSize > (ulong)StrOffsets.Length - entry)
                        throw StrOffsets.Error((long)Math.Min(entry, long.MaxValue),
                            $"string index {value.Value} (base 0x{unit.StrOffsetsBase:x}) is past the end of {StrOffsets.Name} ({StrOffsets.Length} bytes)");
                    var cursor = new DwarfCursor(StrOffsets, (int)entry);
                    ulong stringOffset = cursor.Sized(unit.OffsetSize);
                    var bytes = Str.CString(stringOffset, $"string index {value.Value}");
                    offset = (int)stringOffset;
                    return bytes;
                }
            case DwarfForm.GnuStrpAlt or DwarfForm.StrpSup:
                throw new NotSupportedException($"{Path}: a string lives in a supplementary file (form 0x{(int)value.Form:x}, as dwz writes); supplementary files are not supported");
            default:
                throw Info.Error(value.DataOffset, $"attribute 0x{(int)value.Name:x} has form 0x{(int)value.Form:x}, not a string form");
        }
        var text = section.CString(value.Value, $"attribute 0x{(int)value.Name:x}");
        offset = (int)value.Value;
        return text;
    }

    /// <summary>A string-class attribute as text.</summary>
    public string String(DwarfAttributeValue value, DwarfUnit unit) => Encoding.UTF8.GetString(StringBytes(value, unit, out _, out _));

    /// <summary>The DIE's name, or "" when it has none.</summary>
    public string Name(DwarfDie die) => die.TryGet(DwarfAttribute.Name, out var v) ? String(v, die.Unit) : "";

    /// <summary>The bytes of a block or exprloc value.</summary>
    public ReadOnlySpan<byte> Block(DwarfAttributeValue value) => Info.Span.Slice(value.DataOffset, value.DataLength);

    /// <summary>Entry <paramref name="index"/> of the unit's .debug_addr contribution.</summary>
    public ulong IndexedAddress(DwarfUnit unit, ulong index)
    {
        ulong entry = unit.AddrBase + index * (ulong)unit.AddressSize;
        if (entry > (ulong)Addr.Length || (ulong)unit.AddressSize > (ulong)Addr.Length - entry)
            throw Addr.Error((long)Math.Min(entry, long.MaxValue), $"address index {index} (base 0x{unit.AddrBase:x}) is past the end of {Addr.Name} ({Addr.Length} bytes)");
        var cursor = new DwarfCursor(Addr, (int)entry);
        return cursor.Sized(unit.AddressSize);
    }

    /// <summary>
    /// The static address a location expression names when it is exactly DW_OP_addr or DW_OP_addrx (how a
    /// global variable's location reads); false for anything computed at run time or kept in a register.
    /// </summary>
    public bool TryStaticAddress(ReadOnlySpan<byte> expression, DwarfUnit unit, out ulong address)
    {
        address = 0;
        if (expression.Length == 0) return false;
        byte op = expression[0];
        if (op == 0x03 && expression.Length == 1 + unit.AddressSize) // DW_OP_addr
        {
            address = unit.AddressSize == 8 ? BitConverter.ToUInt64(expression[1..]) : BitConverter.ToUInt32(expression[1..]);
            return true;
        }
        if (op is 0xa1 or 0xfb) // DW_OP_addrx, DW_OP_GNU_addr_index
        {
            ulong index = 0;
            int shift = 0, i = 1;
            for (; i < expression.Length && shift < 64; i++, shift += 7)
            {
                index |= (ulong)(expression[i] & 0x7f) << shift;
                if (expression[i] < 0x80) break;
            }
            if (i != expression.Length - 1) return false;
            address = IndexedAddress(unit, index);
            return true;
        }
        return false;
    }
}
