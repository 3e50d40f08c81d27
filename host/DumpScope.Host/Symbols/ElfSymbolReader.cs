namespace DumpScope.Host.Symbols;

/// <summary>
/// Reads the .symtab of a 64-bit little-endian ELF file (a vmlinux), relocated by the KASLR slide, and its
/// GNU build-id. Reads only the section headers, the symbol and string tables and the notes, never the
/// whole file (a DWARF vmlinux is hundreds of MiB).
/// </summary>
internal static class ElfSymbolReader
{
    /// <summary>Most section headers accepted.</summary>
    public const int MaxSections = 1 << 20;

    /// <summary>Largest symbol or string table accepted.</summary>
    public const long MaxTableSize = 1L << 30;

    private static ReadOnlySpan<byte> ElfMagic => [0x7f, (byte)'E', (byte)'L', (byte)'F'];

    private const int SymbolSize = 24;
    private const int SectionHeaderSize = 64;
    private const uint ShtSymtab = 2;
    private const uint ShtNote = 7;
    private const uint ShtNobits = 8;
    private const ulong ShfWrite = 1;
    private const ulong ShfAlloc = 2;
    private const ulong ShfExecinstr = 4;
    private const ushort ShnUndef = 0;
    private const ushort ShnLoreserve = 0xff00;
    private const ushort ShnAbs = 0xfff1;
    private const ushort ShnCommon = 0xfff2;
    private const ushort ShnXindex = 0xffff;

    private readonly record struct Section(uint Type, ulong Flags, ulong Offset, ulong Size, uint Link, ulong EntrySize);

    /// <summary>Reads the file; symbol values from <paramref name="imageStart"/> up move by <paramref name="kaslrOffset"/>.</summary>
    /// <exception cref="InvalidDataException">Not an ELF file, or a structure points outside the file; the message names file and offset.</exception>
    /// <exception cref="NotSupportedException">A 32-bit or big-endian ELF.</exception>
    public static ElfSymbolFile Read(string path, ulong kaslrOffset, ulong imageStart = SymbolRelocation.KernelImageStart)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = RandomAccess.GetLength(file);
        Span<byte> header = stackalloc byte[64];
        if (length < 64 || RandomAccess.Read(file, header, 0) < 64 || !header[..4].SequenceEqual(ElfMagic))
            throw new InvalidDataException($"{path}: offset 0: not an ELF file (expected \\x7fELF, found {Convert.ToHexString(header[..(int)Math.Min(length, 4)])})");
        if (header[4] != 2) throw new NotSupportedException($"{path}: ELF class {header[4]} at offset 4; only 64-bit ELF (class 2) is supported");
        if (header[5] != 1) throw new NotSupportedException($"{path}: ELF data encoding {header[5]} at offset 5; only little-endian (1) is supported");

        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(header[0x28..]);
        ushort shentsize = BinaryPrimitives.ReadUInt16LittleEndian(header[0x3a..]);
        uint shnum = BinaryPrimitives.ReadUInt16LittleEndian(header[0x3c..]);
        if (shoff == 0) throw new InvalidDataException($"{path}: offset 0x28: e_shoff is 0; the file has no section headers (a stripped vmlinux has no .symtab)");
        if (shentsize != SectionHeaderSize) throw new InvalidDataException($"{path}: offset 0x3a: e_shentsize is {shentsize}; expected {SectionHeaderSize}");
        if (shnum == 0)
        {
            // Extended numbering: the real count is sh_size of section 0.
            var first = ReadAt(file, path, length, shoff, SectionHeaderSize, "section header 0");
            shnum = (uint)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(first.AsSpan(0x20)), uint.MaxValue);
        }
        if (shnum > MaxSections) throw new InvalidDataException($"{path}: offset 0x3c: {shnum} section headers; at most {MaxSections} are accepted");

        var table = ReadAt(file, path, length, shoff, (long)shnum * SectionHeaderSize, "section header table");
        var sections = new Section[shnum];
        for (int i = 0; i < sections.Length; i++)
        {
            var s = table.AsSpan(i * SectionHeaderSize, SectionHeaderSize);
            sections[i] = new Section(
                BinaryPrimitives.ReadUInt32LittleEndian(s[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(s[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(s[0x18..]),
                BinaryPrimitives.ReadUInt64LittleEndian(s[0x20..]),
                BinaryPrimitives.ReadUInt32LittleEndian(s[0x28..]),
                BinaryPrimitives.ReadUInt64LittleEndian(s[0x38..]));
        }

        int symtabIndex = Array.FindIndex(sections, s => s.Type == ShtSymtab);
        if (symtabIndex < 0) throw new InvalidDataException($"{path}: offset {shoff}: no SHT_SYMTAB section; the file is stripped");
        var symtab = sections[symtabIndex];
        if (symtab.EntrySize != SymbolSize)
            throw new InvalidDataException($"{path}: section {symtabIndex} (.symtab) has sh_entsize {symtab.EntrySize}; expected {SymbolSize}");
        if (symtab.Link >= shnum)
            throw new InvalidDataException($"{path}: section {symtabIndex} (.symtab) links to string table {symtab.Link}, but there are {shnum} sections");
        var strtab = sections[symtab.Link];
        var symbolBytes = ReadSection(file, path, length, symtab, ".symtab");
        var strings = ReadSection(file, path, length, strtab, ".strtab");

        var symbols = new List<KernelSymbol>((int)(symtab.Size / SymbolSize));
        for (long at = SymbolSize; at + SymbolSize <= symbolBytes.Length; at += SymbolSize)
        {
            var s = symbolBytes.AsSpan((int)at, SymbolSize);
            uint nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(s);
            byte info = s[4];
            ushort sectionIndex = BinaryPrimitives.ReadUInt16LittleEndian(s[6..]);
            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
            int type = info & 0xf, bind = info >> 4;
            if (type is 3 or 4 || sectionIndex == ShnUndef || nameOffset == 0) continue; // section and file symbols, undefined
            if (nameOffset >= strings.Length)
                throw new InvalidDataException($"{path}: .symtab entry at file offset {(long)symtab.Offset + at}: name offset {nameOffset} beyond .strtab ({strings.Length} bytes)");
            int nameLength = strings.AsSpan((int)nameOffset).IndexOf((byte)0);
            if (nameLength < 0)
                throw new InvalidDataException($"{path}: .strtab offset {nameOffset}: name without terminating NUL");
            if (nameLength == 0) continue;
            string name = Encoding.UTF8.GetString(strings, (int)nameOffset, nameLength);
            char letter = TypeLetter(type, bind, sectionIndex, sections);
            ulong address = sectionIndex == ShnAbs ? value : SymbolRelocation.Relocate(value, kaslrOffset, imageStart);
            symbols.Add(new KernelSymbol(name, address, letter));
        }
        string? buildId = FindBuildId(file, path, length, sections);
        return new ElfSymbolFile(new SymbolTable($"vmlinux {Path.GetFileName(path)}", symbols), buildId);
    }

    // nm's letters: upper case for global, lower for local; W/V for weak functions/objects.
    private static char TypeLetter(int type, int bind, ushort sectionIndex, Section[] sections)
    {
        char letter;
        if (sectionIndex == ShnAbs) letter = 'A';
        else if (sectionIndex == ShnCommon) letter = 'C';
        else if (sectionIndex >= ShnLoreserve || sectionIndex == ShnXindex || sectionIndex >= sections.Length) letter = '?';
        else
        {
            var section = sections[sectionIndex];
            if ((section.Flags & ShfExecinstr) != 0) letter = 'T';
            else if (section.Type == ShtNobits && (section.Flags & ShfAlloc) != 0) letter = 'B';
            else if ((section.Flags & ShfWrite) != 0) letter = 'D';
            else if ((section.Flags & ShfAlloc) != 0) letter = 'R';
            else letter = 'N';
        }
        if (bind == 2 && letter != '?') return type == 1 ? 'V' : 'W'; // STB_WEAK; STT_OBJECT → V
        return bind == 0 ? char.ToLowerInvariant(letter) : letter;
    }

    private static string? FindBuildId(Microsoft.Win32.SafeHandles.SafeFileHandle file, string path, long length, Section[] sections)
    {
        foreach (var section in sections)
        {
            if (section.Type != ShtNote || section.Size > 1 << 20) continue;
            var notes = ReadSection(file, path, length, section, "note section");
            int at = 0;
            while (at + 12 <= notes.Length)
            {
                int nameSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(notes.AsSpan(at));
                int descSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(notes.AsSpan(at + 4));
                uint type = BinaryPrimitives.ReadUInt32LittleEndian(notes.AsSpan(at + 8));
                int nameStart = at + 12;
                int descStart = nameStart + Align4(nameSize);
                if (nameSize < 0 || descSize < 0 || descStart + (long)descSize > notes.Length) break;
                if (type == 3 && nameSize == 4 && notes.AsSpan(nameStart, 4).SequenceEqual("GNU\0"u8))
                    return Convert.ToHexStringLower(notes, descStart, descSize);
                at = descStart + Align4(descSize);
            }
        }
        return null;
    }

    private static int Align4(int value) => (value + 3) & ~3;

    private static byte[] ReadSection(Microsoft.Win32.SafeHandles.SafeFileHandle file, string path, long length, Section section, string what)
    {
        if (section.Type == ShtNobits) return [];
        if (section.Size > (ulong)MaxTableSize)
            throw new InvalidDataException($"{path}: {what} at offset {section.Offset} is {section.Size} bytes; at most {MaxTableSize} are accepted");
        return ReadAt(file, path, length, section.Offset, (long)section.Size, what);
    }

    private static byte[] ReadAt(Microsoft.Win32.SafeHandles.SafeFileHandle file, string path, long length, ulong offset, long size, string what)
    {
        if (offset > (ulong)length || (ulong)size > (ulong)length - offset)
            throw new InvalidDataException($"{path}: {what} at offset {offset} ({size} bytes) extends past the end of the file ({length} bytes)");
        var buffer = new byte[size];
        int done = 0;
        while (done < buffer.Length)
        {
            int n = RandomAccess.Read(file, buffer.AsSpan(done), (long)offset + done);
            if (n <= 0) throw new InvalidDataException($"{path}: {what} at offset {offset}: file ended after {done} of {size} bytes");
            done += n;
        }
        return buffer;
    }
}
