using System.Collections.Concurrent;

namespace DumpScope.Host.Types.Dwarf;

/// <summary>
/// Address to source line for one DWARF file, lazily: .debug_aranges says which compilation unit covers an
/// address (read once, a few hundred KB for a vmlinux); only that unit's DIE (for DW_AT_stmt_list and
/// DW_AT_comp_dir) and its line program are decoded, the first time it is asked for, and kept. Without
/// .debug_aranges (or for an address it does not cover) every unit's program is a candidate, decoded in
/// order until one covers the address. Thread-safe.
/// </summary>
internal sealed class DwarfLineIndex
{
    private readonly DwarfFile _file;
    private readonly DwarfSection _line;
    private readonly Lazy<ArangeRange[]> _aranges;
    private readonly ConcurrentDictionary<long, Lazy<DwarfLineProgram?>> _programs = new();

    // A module has a handful of units; a vmlinux thousands, too many to scan for every miss.
    private const int SmallFileUnits = 64;

    private readonly record struct ArangeRange(ulong Start, ulong End, long UnitOffset);

    /// <summary>An index over <paramref name="file"/>'s .debug_line (nothing is read yet).</summary>
    public DwarfLineIndex(DwarfFile file)
    {
        _file = file;
        _line = file.Image.GetSection(".debug_line");
        _aranges = new(() => ReadAranges(file.Image.GetSection(".debug_aranges")));
    }

    /// <summary>True when the file has a line table at all.</summary>
    public bool HasLines => _line.Exists;

    /// <summary>How many compilation units' programs have been decoded (for notes and tests).</summary>
    public int DecodedPrograms => _programs.Count(p => p.Value.IsValueCreated);

    /// <summary>The source line of <paramref name="address"/> (an address as linked in this file), or null.</summary>
    /// <exception cref="InvalidDataException">The covering unit's line program is malformed.</exception>
    public SourceLine? Find(ulong address)
    {
        if (!HasLines) return null;
        using var lease = _file.Image.Acquire();
        var ranges = _aranges.Value;
        int i = DwarfLineProgram.LastAtOrBelow(ranges, address, static r => r.Start);
        for (int j = i; j >= 0 && j > i - 8; j--)
        {
            // Ranges of different units can nest (an inline assembly stub inside a C unit's span): try the nearest few.
            if (address >= ranges[j].End) continue;
            if (Lookup(ranges[j].UnitOffset, address) is { } hit) return hit;
        }
        // Without aranges, or in a small file (a module) whose aranges may miss a section, ask every unit.
        if (ranges.Length > 0 && _file.Units.Length > SmallFileUnits) return null;
        foreach (var unit in _file.Units)
            if (!unit.IsTypeUnit && Lookup(unit.Offset, address) is { } found) return found;
        return null;
    }

    private SourceLine? Lookup(long unitOffset, ulong address)
    {
        var program = _programs.GetOrAdd(unitOffset, offset => new Lazy<DwarfLineProgram?>(() => Decode(offset))).Value;
        if (program?.Find(address) is not { } row) return null;
        return new SourceLine(program.FilePath(row.File) ?? $"(file {row.File})", row.Line, row.Column);
    }

    private DwarfLineProgram? Decode(long unitOffset)
    {
        if (_file.UnitStartingAt(unitOffset) is not { } unit) return null;
        var die = _file.ReadDie(unit.DieOffset);
        if (!die.TryGet(DwarfAttribute.StmtList, out var stmtList)) return null;
        string? compDir = die.TryGet(DwarfAttribute.CompDir, out var dir) ? _file.String(dir, unit) : null;
        return DwarfLineProgram.Read(_line, _file.LineStr, _file.Str, (long)stmtList.Value, compDir);
    }

    // .debug_aranges (DWARF 5 §6.1.2): sets of (address, length) tuples, each set naming its unit's offset.
    private static ArangeRange[] ReadAranges(DwarfSection aranges)
    {
        var list = new List<ArangeRange>();
        if (!aranges.Exists) return [];
        var cursor = new DwarfCursor(aranges, 0);
        while (cursor.Remaining > 0)
        {
            int setStart = cursor.Position;
            ulong length = cursor.InitialLength(out int offsetSize);
            if (length == 0) continue;
            long setEnd = cursor.Position + (long)Math.Min(length, (ulong)aranges.Length);
            if (setEnd > aranges.Length) throw aranges.Error(setStart, $"an address range set of {length} bytes runs past the end of {aranges.Name}");
            cursor.U16(); // version 2
            long unitOffset = (long)cursor.Sized(offsetSize);
            int addressSize = cursor.U8();
            cursor.U8(); // segment selector size
            if (addressSize is not (4 or 8)) throw aranges.Error(setStart, $"address size {addressSize} in an address range set");
            // Tuples start at a multiple of twice the address size from the set's start.
            int header = cursor.Position - setStart;
            int tuple = 2 * addressSize;
            cursor.Position = setStart + (header + tuple - 1) / tuple * tuple;
            while (cursor.Position + tuple <= setEnd)
            {
                ulong start = cursor.Sized(addressSize), size = cursor.Sized(addressSize);
                if (start == 0 && size == 0) break;
                if (start != 0 && size != 0 && start + size > start) list.Add(new ArangeRange(start, start + size, unitOffset));
            }
            cursor.Position = (int)setEnd;
        }
        list.Sort((a, b) => a.Start.CompareTo(b.Start));
        return list.ToArray();
    }
}
