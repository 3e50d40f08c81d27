namespace DumpScope.Host.Types.Dwarf;

/// <summary>
/// The abbreviations of one unit, parsed from .debug_abbrev at the unit's abbrev offset. Codes are usually
/// 1..n in order, so look-ups go through an array; sparse codes fall back to a dictionary.
/// </summary>
internal sealed class DwarfAbbreviationTable
{
    /// <summary>Most declarations accepted in one table.</summary>
    public const int MaxAbbreviations = 1 << 20;

    /// <summary>Most attributes accepted in one declaration.</summary>
    public const int MaxAttributes = 1024;

    [ThreadStatic] private static List<(ulong Code, ulong Tag, bool Children, int Start, int Count, int FixedSize, long Offset)>? t_headers;
    [ThreadStatic] private static List<DwarfAttributeSpec>? t_specs;

    private readonly DwarfAbbreviation?[] _dense;
    private readonly Dictionary<ulong, DwarfAbbreviation>? _sparse;
    private readonly DwarfSection _section;

    private DwarfAbbreviationTable(DwarfSection section, long offset, DwarfAbbreviation?[] dense, Dictionary<ulong, DwarfAbbreviation>? sparse)
    {
        _section = section;
        Offset = offset;
        _dense = dense;
        _sparse = sparse;
    }

    /// <summary>Offset of the table in .debug_abbrev.</summary>
    public long Offset { get; }

    /// <summary>The declaration for a code; an unknown code is malformed data at <paramref name="dieOffset"/> of <paramref name="info"/>.</summary>
    public DwarfAbbreviation Get(ulong code, DwarfSection info, long dieOffset)
    {
        if (code < (ulong)_dense.Length && _dense[code] is { } found) return found;
        if (_sparse is not null && _sparse.TryGetValue(code, out var sparse)) return sparse;
        throw info.Error(dieOffset, $"abbreviation code {code} is not declared in the unit's abbreviation table ({_section.Name} offset 0x{Offset:x})");
    }

    /// <summary>Parses the table at <paramref name="offset"/>; form sizes are fixed for the given unit parameters.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static DwarfAbbreviationTable Parse(DwarfSection section, long offset, int addressSize, int offsetSize, int version)
    {
        if (offset < 0 || offset >= section.Length)
            throw section.Error(offset, $"an abbreviation table is expected here, but {section.Name} is {section.Length} bytes");
        var cursor = new DwarfCursor(section, (int)offset);
        // Scratch lists reused by each thread: indexing parses thousands of tables in a row.
        var headers = t_headers ??= [];
        var specs = t_specs ??= [];
        headers.Clear();
        specs.Clear();
        ulong maxCode = 0;
        while (true)
        {
            long start = cursor.Position;
            ulong code = cursor.Uleb();
            if (code == 0) break;
            if (headers.Count >= MaxAbbreviations)
                throw section.Error(start, $"more than {MaxAbbreviations} abbreviations in one table");
            ulong tag = cursor.Uleb();
            if (tag == 0 || tag > 0xffff) throw section.Error(start, $"abbreviation {code}: tag 0x{tag:x} is out of range (1..0xffff)");
            byte children = cursor.U8();
            if (children > 1) throw section.Error(cursor.Position - 1, $"abbreviation {code}: DW_CHILDREN value {children}, expected 0 or 1");
            int first = specs.Count;
            int fixedSize = 0;
            while (true)
            {
                long at = cursor.Position;
                ulong name = cursor.Uleb();
                ulong form = cursor.Uleb();
                if (name == 0 && form == 0) break;
                if (specs.Count - first >= MaxAttributes)
                    throw section.Error(at, $"abbreviation {code}: more than {MaxAttributes} attributes");
                if (name == 0 || name > 0xffff) throw section.Error(at, $"abbreviation {code}: attribute 0x{name:x} is out of range (1..0xffff)");
                if (form > 0xffff || !DwarfForms.IsKnown((DwarfForm)form))
                    throw section.Error(at, $"abbreviation {code}: attribute 0x{name:x} has form 0x{form:x}, which is not a DWARF form");
                long implicitConst = (DwarfForm)form == DwarfForm.ImplicitConst ? cursor.Sleb() : 0;
                specs.Add(new DwarfAttributeSpec((DwarfAttribute)name, (DwarfForm)form, implicitConst));
                int size = DwarfForms.FixedSize((DwarfForm)form, addressSize, offsetSize, version);
                fixedSize = size < 0 || fixedSize < 0 ? -1 : fixedSize + size;
            }
            maxCode = Math.Max(maxCode, code);
            headers.Add((code, tag, children == 1, first, specs.Count - first, fixedSize, start));
        }
        var all = specs.ToArray();
        var list = new DwarfAbbreviation[headers.Count];
        for (int i = 0; i < list.Length; i++)
        {
            var h = headers[i];
            list[i] = new DwarfAbbreviation(h.Code, (DwarfTag)h.Tag, h.Children, all, h.Start, h.Count, h.FixedSize, h.Offset);
        }
        // Dense when codes are small (the usual 1..n); a few sparse codes would waste an enormous array.
        if (maxCode < (ulong)list.Length * 4 + 64)
        {
            var dense = new DwarfAbbreviation?[maxCode + 1];
            foreach (var a in list)
            {
                if (dense[a.Code] is not null) throw section.Error(a.Offset, $"abbreviation code {a.Code} is declared twice in the table at 0x{offset:x}");
                dense[a.Code] = a;
            }
            return new DwarfAbbreviationTable(section, offset, dense, null);
        }
        var sparse = new Dictionary<ulong, DwarfAbbreviation>(list.Length);
        foreach (var a in list)
            if (!sparse.TryAdd(a.Code, a)) throw section.Error(a.Offset, $"abbreviation code {a.Code} is declared twice in the table at 0x{offset:x}");
        return new DwarfAbbreviationTable(section, offset, [], sparse);
    }
}
