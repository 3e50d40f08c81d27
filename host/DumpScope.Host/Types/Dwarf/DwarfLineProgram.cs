namespace DumpScope.Host.Types.Dwarf;

/// <summary>One row of a line table: an address, where it came from in the source, and whether it ends a sequence.</summary>
internal readonly record struct DwarfLineRow(ulong Address, int Line, int Column, int File, bool EndSequence);

/// <summary>
/// One line-number program of .debug_line (DWARF 2–5, §6.2): its header (directories, files) and the rows its
/// state machine emits, sorted by address per sequence. Sequences at address 0 or at a tombstone address
/// (code the linker discarded: ld writes 0, lld -1 or -2) are dropped.
/// </summary>
internal sealed class DwarfLineProgram
{
    /// <summary>Most rows accepted from one program (a kernel CU has tens of thousands).</summary>
    public const int MaxRows = 1 << 24;

    private readonly string?[] _paths;

    private DwarfLineProgram(int version, string?[] paths, DwarfLineRow[] rows)
    {
        Version = version;
        _paths = paths;
        Rows = rows;
    }

    /// <summary>The header's version (2–5).</summary>
    public int Version { get; }

    /// <summary>Rows sorted by address (sequences kept whole, each ending in an end_sequence row).</summary>
    public DwarfLineRow[] Rows { get; }

    /// <summary>The file path of a row's file register, or null when the index is not in the file table.</summary>
    public string? FilePath(int file) => (uint)file < (uint)_paths.Length ? _paths[file] : null;

    /// <summary>The row covering <paramref name="address"/> (the last row at or below it, in a sequence not yet ended), or null.</summary>
    public DwarfLineRow? Find(ulong address)
    {
        int found = LastAtOrBelow(Rows, address, static r => r.Address);
        if (found < 0 || Rows[found].EndSequence) return null;
        return Rows[found];
    }

    /// <summary>The index of the last item whose key is at or below <paramref name="address"/> (items sorted by key), or -1.</summary>
    public static int LastAtOrBelow<T>(T[] items, ulong address, Func<T, ulong> key)
    {
        int lo = 0, hi = items.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = lo + (hi - lo) / 2;
            if (key(items[mid]) <= address)
            {
                found = mid;
                lo = mid + 1;
            }
            else hi = mid - 1;
        }
        return found;
    }

    /// <summary>Decodes the program at <paramref name="offset"/> of <paramref name="line"/>.</summary>
    /// <param name="line">.debug_line.</param>
    /// <param name="lineStr">.debug_line_str (DWARF 5 DW_FORM_line_strp).</param>
    /// <param name="str">.debug_str (DW_FORM_strp).</param>
    /// <param name="offset">The unit's DW_AT_stmt_list.</param>
    /// <param name="compDir">The unit's DW_AT_comp_dir (directory 0 before DWARF 5), or null.</param>
    /// <exception cref="InvalidDataException">Malformed data (names the section and offset).</exception>
    public static DwarfLineProgram Read(DwarfSection line, DwarfSection lineStr, DwarfSection str, long offset, string? compDir)
    {
        if (offset < 0 || offset >= line.Length) throw line.Error(offset, $"a line program is expected here, but {line.Name} is {line.Length} bytes");
        var cursor = new DwarfCursor(line, (int)offset);
        ulong length = cursor.InitialLength(out int offsetSize);
        long end = cursor.Position + (long)Math.Min(length, (ulong)line.Length);
        if (end > line.Length) throw line.Error(offset, $"the line program's length {length} runs past the end of {line.Name} ({line.Length} bytes)");
        int version = cursor.U16();
        if (version is < 2 or > 5) throw line.Error(offset + offsetSize, $"line program version {version}; versions 2 to 5 are supported");
        int addressSize = 8;
        if (version >= 5)
        {
            addressSize = cursor.U8();
            cursor.U8(); // segment_selector_size
        }
        ulong headerLength = cursor.Sized(offsetSize);
        long programStart = cursor.Position + (long)Math.Min(headerLength, (ulong)line.Length);
        if (programStart > end) throw line.Error(offset, $"header_length {headerLength} runs past the end of the line program (0x{end:x})");
        int minimumInstructionLength = cursor.U8();
        if (version >= 4) cursor.U8(); // maximum_operations_per_instruction: 1 on every non-VLIW target
        cursor.U8(); // default_is_stmt: every row counts for a lookup, as addr2line does
        int lineBase = (sbyte)cursor.U8();
        int lineRange = cursor.U8();
        int opcodeBase = cursor.U8();
        if (lineRange == 0) throw line.Error(cursor.Position - 2, "line_range is 0");
        var standardLengths = new byte[Math.Max(opcodeBase, 1)];
        for (int i = 1; i < opcodeBase; i++) standardLengths[i] = cursor.U8();

        var context = new HeaderContext(line, lineStr, str, offsetSize);
        string?[] paths = version >= 5
            ? ReadVersion5Files(ref cursor, context)
            : ReadLegacyFiles(ref cursor, compDir);
        cursor.Position = (int)programStart;
        var rows = Run(ref cursor, end, addressSize, minimumInstructionLength, lineBase, lineRange, opcodeBase, standardLengths);
        return new DwarfLineProgram(version, paths, rows);
    }

    private readonly record struct HeaderContext(DwarfSection Line, DwarfSection LineStr, DwarfSection Str, int OffsetSize);

    // DWARF 2-4: include_directories and file_names are NUL-terminated lists; directory 0 is the unit's
    // comp_dir and file 0 is unused (file numbers start at 1).
    private static string?[] ReadLegacyFiles(ref DwarfCursor cursor, string? compDir)
    {
        var directories = new List<string?> { compDir };
        while (true)
        {
            var name = CString(ref cursor);
            if (name.Length == 0) break;
            directories.Add(name);
        }
        var paths = new List<string?> { null };
        while (true)
        {
            var name = CString(ref cursor);
            if (name.Length == 0) break;
            ulong directory = cursor.Uleb();
            cursor.Uleb(); // modification time
            cursor.Uleb(); // length
            paths.Add(Join(directory < (ulong)directories.Count ? directories[(int)directory] : null, name, compDir));
        }
        return paths.ToArray();
    }

    // DWARF 5 (§6.2.4.1): directories and files described by (content type, form) formats; directory 0 is
    // the compilation directory and file 0 the primary source file.
    private static string?[] ReadVersion5Files(ref DwarfCursor cursor, HeaderContext context)
    {
        var directories = ReadEntries(ref cursor, context);
        var compDir = directories.Count > 0 ? directories[0].Path : null;
        var files = ReadEntries(ref cursor, context);
        var paths = new string?[files.Count];
        for (int i = 0; i < files.Count; i++)
        {
            var (path, directory) = files[i];
            if (path is null) continue;
            paths[i] = Join(directory < (ulong)directories.Count ? directories[(int)directory].Path : null, path, compDir);
        }
        return paths;
    }

    private const int LnctPath = 1, LnctDirectoryIndex = 2;

    private static List<(string? Path, ulong Directory)> ReadEntries(ref DwarfCursor cursor, HeaderContext context)
    {
        int formatCount = cursor.U8();
        var formats = new (ulong Type, DwarfForm Form)[formatCount];
        for (int i = 0; i < formatCount; i++) formats[i] = (cursor.Uleb(), (DwarfForm)Math.Min(cursor.Uleb(), ushort.MaxValue));
        ulong count = cursor.Uleb();
        if (count > (ulong)cursor.Remaining) throw cursor.Section.Error(cursor.Position, $"{count} directory or file entries cannot fit in the rest of {cursor.Section.Name}");
        var entries = new List<(string?, ulong)>((int)count);
        for (ulong e = 0; e < count; e++)
        {
            string? path = null;
            ulong directory = 0;
            foreach (var (type, form) in formats)
            {
                if (type == LnctPath) path = ReadString(ref cursor, form, context);
                else if (type == LnctDirectoryIndex) directory = ReadConstant(ref cursor, form);
                else SkipForm(ref cursor, form, context);
            }
            entries.Add((path, directory));
        }
        return entries;
    }

    private static string ReadString(ref DwarfCursor cursor, DwarfForm form, HeaderContext context)
    {
        switch (form)
        {
            case DwarfForm.String: return CString(ref cursor);
            case DwarfForm.LineStrp: return Encoding.UTF8.GetString(context.LineStr.CString(cursor.Sized(context.OffsetSize), "a line table path"));
            case DwarfForm.Strp: return Encoding.UTF8.GetString(context.Str.CString(cursor.Sized(context.OffsetSize), "a line table path"));
            default: throw cursor.Section.Error(cursor.Position, $"a line table path has form 0x{(int)form:x}, not a string form this reader knows");
        }
    }

    private static ulong ReadConstant(ref DwarfCursor cursor, DwarfForm form) => form switch
    {
        DwarfForm.Data1 => cursor.U8(),
        DwarfForm.Data2 => cursor.U16(),
        DwarfForm.Data4 => cursor.U32(),
        DwarfForm.Data8 => cursor.U64(),
        DwarfForm.Udata => cursor.Uleb(),
        _ => throw cursor.Section.Error(cursor.Position, $"a line table directory index has form 0x{(int)form:x}, not a constant form"),
    };

    private static void SkipForm(ref DwarfCursor cursor, DwarfForm form, HeaderContext context)
    {
        switch (form)
        {
            case DwarfForm.Data1 or DwarfForm.Data2 or DwarfForm.Data4 or DwarfForm.Data8 or DwarfForm.Udata: ReadConstant(ref cursor, form); break;
            case DwarfForm.Data16: cursor.Skip(16); break;
            case DwarfForm.Block: cursor.Skip(cursor.Uleb()); break;
            case DwarfForm.String: cursor.SkipCString(); break;
            case DwarfForm.LineStrp or DwarfForm.Strp or DwarfForm.SecOffset: cursor.Skip((ulong)context.OffsetSize); break;
            default: throw cursor.Section.Error(cursor.Position, $"a line table entry has form 0x{(int)form:x}, which this reader cannot skip");
        }
    }

    private static string CString(ref DwarfCursor cursor)
    {
        int start = cursor.Position;
        int length = cursor.SkipCString();
        return Encoding.UTF8.GetString(cursor.Section.Span.Slice(start, length));
    }

    // How binutils joins a file entry: an absolute name stands alone; a relative directory is taken under
    // the compilation directory.
    private static string Join(string? directory, string name, string? compDir)
    {
        if (name.StartsWith('/')) return name;
        if (directory is null || directory.Length == 0) return compDir is null ? name : compDir + "/" + name;
        if (!directory.StartsWith('/') && compDir is not null) directory = compDir + "/" + directory;
        return directory + "/" + name;
    }

    private static void Emit(List<DwarfLineRow> rows, DwarfLineRow row, DwarfSection section, int position)
    {
        if (rows.Count >= MaxRows) throw section.Error(position, $"the line program has more than {MaxRows} rows");
        rows.Add(row);
    }

    private static DwarfLineRow[] Run(ref DwarfCursor cursor, long end, int addressSize, int minimumInstructionLength,
        int lineBase, int lineRange, int opcodeBase, byte[] standardLengths)
    {
        var sequences = new List<(ulong Start, int First, int Count)>();
        var rows = new List<DwarfLineRow>();
        ulong address = 0;
        int file = 1, lineNumber = 1, column = 0, sequenceStart = 0;
        while (cursor.Position < end)
        {
            int opcode = cursor.U8();
            if (opcode >= opcodeBase)
            {
                int adjusted = opcode - opcodeBase;
                address += (ulong)(adjusted / lineRange * minimumInstructionLength);
                lineNumber += lineBase + adjusted % lineRange;
                Emit(rows, new DwarfLineRow(address, lineNumber, column, file, false), cursor.Section, cursor.Position);
                continue;
            }
            switch (opcode)
            {
                case 0:
                    {
                        ulong length = cursor.Uleb();
                        int at = cursor.Position;
                        if (length == 0 || length > (ulong)(end - at)) throw cursor.Section.Error(at, $"an extended opcode of length {length} runs past the line program");
                        int sub = cursor.U8();
                        switch (sub)
                        {
                            case 1: // DW_LNE_end_sequence
                                Emit(rows, new DwarfLineRow(address, lineNumber, column, file, true), cursor.Section, cursor.Position);
                                sequences.Add((rows[sequenceStart].Address, sequenceStart, rows.Count - sequenceStart));
                                sequenceStart = rows.Count;
                                (address, file, lineNumber, column) = (0, 1, 1, 0);
                                break;
                            case 2: // DW_LNE_set_address
                                address = cursor.Sized((int)length - 1 is 8 or 4 or 2 or 1 ? (int)length - 1 : addressSize);
                                break;
                            default: // DW_LNE_define_file (before DWARF 5), DW_LNE_set_discriminator, vendor opcodes
                                break;
                        }
                        cursor.Position = at + (int)length;
                        break;
                    }
                case 1: Emit(rows, new DwarfLineRow(address, lineNumber, column, file, false), cursor.Section, cursor.Position); break; // DW_LNS_copy
                case 2: address += cursor.Uleb() * (ulong)minimumInstructionLength; break;
                case 3: lineNumber += (int)cursor.Sleb(); break;
                case 4: file = (int)Math.Min(cursor.Uleb(), int.MaxValue); break;
                case 5: column = (int)Math.Min(cursor.Uleb(), int.MaxValue); break;
                case 6 or 7 or 10 or 11: break; // negate_stmt, set_basic_block, set_prologue_end, set_epilogue_begin
                case 8: address += (ulong)((255 - opcodeBase) / lineRange * minimumInstructionLength); break;
                case 9: address += cursor.U16(); break;
                default:
                    // An opcode this reader does not know (or set_isa): skip its ULEB128 operands as the header says.
                    for (int i = 0; i < standardLengths[opcode]; i++) cursor.Uleb();
                    break;
            }
        }
        // Sequences in address order; the discarded ones (tombstones at 0, -1, -2) left out.
        var sorted = new List<DwarfLineRow>(rows.Count);
        foreach (var (start, first, count) in sequences.Where(s => s.Start != 0 && s.Start < 0xffff_ffff_ffff_fffe).OrderBy(s => s.Start))
            for (int i = 0; i < count; i++) sorted.Add(rows[first + i]);
        return sorted.ToArray();
    }
}
