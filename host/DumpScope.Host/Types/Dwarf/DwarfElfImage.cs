using System.IO.MemoryMappedFiles;

namespace DumpScope.Host.Types.Dwarf;

/// <summary>
/// An ELF file mapped read-only into memory: its section headers, its GNU build-id and the DWARF sections as
/// spans over the mapping (nothing is copied, except the debug sections of a relocatable object, which are
/// copied and relocated). Reads take a <see cref="Lease"/> so that disposal waits for readers to finish.
/// </summary>
internal sealed unsafe class DwarfElfImage : IDisposable
{
    /// <summary>Most section headers accepted.</summary>
    public const int MaxSections = 1 << 16;

    private const int ElfHeaderSize = 64;
    private const int SectionHeaderSize = 64;
    private const ushort EtRel = 1;
    private const uint ShtRela = 4;
    private const uint ShtNote = 7;
    private const uint ShtNobits = 8;
    private const uint ShtSymtab = 2;
    private const ulong ShfCompressed = 0x800;

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly Dictionary<string, Section> _sections;
    private readonly List<byte[]> _relocatedCopies = [];
    private Section[] _all = [];
    private int _disposed;

    private readonly record struct Section(int Index, string Name, uint Type, ulong Flags, ulong Offset, ulong Size, uint Link, uint Info);

    private DwarfElfImage(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* pointer, long length)
    {
        Path = path;
        _map = map;
        _view = view;
        _base = pointer;
        Length = length;
        _sections = [];
    }

    /// <summary>The file path.</summary>
    public string Path { get; }

    /// <summary>File size in bytes.</summary>
    public long Length { get; }

    /// <summary>e_type: 1 relocatable, 2 executable, 3 shared object.</summary>
    public ushort ElfType { get; private set; }

    /// <summary>The NT_GNU_BUILD_ID in lower-case hex, or null.</summary>
    public string? BuildId { get; private set; }

    /// <summary>
    /// Where a relocatable object's sections were placed (a module's sections in the dump, by name): its debug
    /// sections are relocated against these addresses; a section not named sits at 0. Null: every section at 0.
    /// </summary>
    public IReadOnlyDictionary<string, ulong>? SectionAddresses { get; private set; }

    /// <summary>Maps a relocatable object (a kernel module) whose sections were placed at <paramref name="sectionAddresses"/>.</summary>
    /// <exception cref="InvalidDataException">Not an ELF file, or its headers point outside it.</exception>
    public static DwarfElfImage Open(string path, IReadOnlyDictionary<string, ulong> sectionAddresses)
    {
        var image = Open(path);
        image.SectionAddresses = sectionAddresses;
        return image;
    }

    /// <summary>The .symtab entries: name, the name of the section defining it (null: undefined, absolute or common), value, st_info.</summary>
    public List<(string Name, string? Section, ulong Value, byte Info)> Symbols()
    {
        var list = new List<(string, string?, ulong, byte)>();
        if (!_sections.TryGetValue(".symtab", out var symtab) || symtab.Type != ShtSymtab || symtab.Link >= _all.Length) return list;
        var strings = _all[symtab.Link];
        for (ulong at = 0; at + 24 <= symtab.Size; at += 24)
        {
            var entry = new ReadOnlySpan<byte>(_base + symtab.Offset + at, 24);
            uint nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(entry);
            byte info = entry[4];
            ushort shndx = BinaryPrimitives.ReadUInt16LittleEndian(entry[6..]);
            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]);
            if (nameOffset >= strings.Size) continue;
            var rest = new ReadOnlySpan<byte>(_base + strings.Offset + nameOffset, (int)Math.Min(strings.Size - nameOffset, 4096));
            int end = rest.IndexOf((byte)0);
            if (end <= 0) continue;
            string? section = shndx is > 0 and < 0xff00 && shndx < _all.Length ? _all[shndx].Name : null;
            list.Add((Encoding.UTF8.GetString(rest[..end]), section, value, info));
        }
        return list;
    }

    /// <summary>Maps the file and reads its section headers.</summary>
    /// <exception cref="InvalidDataException">Not an ELF file, or its headers point outside it.</exception>
    /// <exception cref="NotSupportedException">A 32-bit or big-endian ELF file.</exception>
    public static DwarfElfImage Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
        long length = stream.Length;
        if (length < ElfHeaderSize)
        {
            stream.Dispose();
            throw DwarfError.InFile(path, 0, $"not an ELF file: it is {length} bytes, shorter than an ELF header ({ElfHeaderSize})");
        }
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        byte* pointer = null;
        try
        {
            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += view.PointerOffset;
            var image = new DwarfElfImage(path, map, view, pointer, length);
            try
            {
                image.ReadHeaders();
            }
            catch
            {
                image.Dispose();
                throw;
            }
            return image;
        }
        catch when (view is null)
        {
            map?.Dispose();
            stream.Dispose();
            throw;
        }
    }

    /// <summary>True when the file has a section of that name with contents.</summary>
    public bool HasSection(string name) => _sections.TryGetValue(name, out var s) && s.Type != ShtNobits && s.Size > 0;

    /// <summary>
    /// A section's bytes, or an empty section when absent. Compressed sections (SHF_COMPRESSED) are refused;
    /// sections of 2 GiB or more are not supported.
    /// </summary>
    public DwarfSection GetSection(string name)
    {
        if (!_sections.TryGetValue(name, out var s) || s.Type == ShtNobits || s.Size == 0) return DwarfSection.Empty(Path, name);
        if ((s.Flags & ShfCompressed) != 0)
            throw new NotSupportedException($"{Path}: section {name} is compressed (SHF_COMPRESSED); decompress the file first (objcopy --decompress-debug-sections)");
        if (s.Size > int.MaxValue)
            throw new NotSupportedException($"{Path}: section {name} is {s.Size} bytes; sections of 2 GiB or more are not supported");
        if (ElfType == EtRel && _sections.TryGetValue(".rela" + name, out var rela) && rela.Type == ShtRela)
            return Relocated(s, rela);
        return new DwarfSection(Path, name, _base + s.Offset, (int)s.Size, (long)s.Offset);
    }

    /// <summary>Keeps the mapping alive until the lease is disposed; throws <see cref="ObjectDisposedException"/> after disposal.</summary>
    public Lease Acquire()
    {
        bool added = false;
        _view.SafeMemoryMappedViewHandle.DangerousAddRef(ref added);
        return new Lease(this);
    }

    /// <summary>A read in progress: the mapping cannot go away under it.</summary>
    public readonly struct Lease(DwarfElfImage image) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose() => image?._view.SafeMemoryMappedViewHandle.DangerousRelease();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }

    private void ReadHeaders()
    {
        var header = new ReadOnlySpan<byte>(_base, ElfHeaderSize);
        if (header[0] != 0x7f || !header[1..4].SequenceEqual("ELF"u8))
            throw DwarfError.InFile(Path, 0, $"not an ELF file (expected \\x7fELF, found {Convert.ToHexString(header[..4])})");
        if (header[4] != 2) throw new NotSupportedException($"{Path}: ELF class {header[4]} at offset 4; only 64-bit ELF (class 2) is supported");
        if (header[5] != 1) throw new NotSupportedException($"{Path}: ELF data encoding {header[5]} at offset 5; only little-endian (1) is supported");
        ElfType = BinaryPrimitives.ReadUInt16LittleEndian(header[0x10..]);
        ulong shoff = BinaryPrimitives.ReadUInt64LittleEndian(header[0x28..]);
        ushort shentsize = BinaryPrimitives.ReadUInt16LittleEndian(header[0x3a..]);
        uint shnum = BinaryPrimitives.ReadUInt16LittleEndian(header[0x3c..]);
        uint shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(header[0x3e..]);
        if (shoff == 0) throw DwarfError.InFile(Path, 0x28, "e_shoff is 0: the file has no section headers");
        if (shentsize != SectionHeaderSize) throw DwarfError.InFile(Path, 0x3a, $"e_shentsize is {shentsize}; expected {SectionHeaderSize}");
        if (shoff > (ulong)Length || shoff + SectionHeaderSize > (ulong)Length)
            throw DwarfError.InFile(Path, 0x28, $"e_shoff 0x{shoff:x} is past the end of the file ({Length} bytes)");
        if (shnum == 0 || shstrndx == 0xffff)
        {
            // Extended numbering: section 0 holds the real count in sh_size and the string table index in sh_link.
            var first = new ReadOnlySpan<byte>(_base + shoff, SectionHeaderSize);
            if (shnum == 0) shnum = (uint)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(first[0x20..]), uint.MaxValue);
            if (shstrndx == 0xffff) shstrndx = BinaryPrimitives.ReadUInt32LittleEndian(first[0x28..]);
        }
        if (shnum > MaxSections) throw DwarfError.InFile(Path, 0x3c, $"{shnum} section headers; at most {MaxSections} are accepted");
        if (shoff + (ulong)shnum * SectionHeaderSize > (ulong)Length)
            throw DwarfError.InFile(Path, (long)shoff, $"the section header table ({shnum} entries) runs past the end of the file ({Length} bytes)");
        if (shstrndx >= shnum) throw DwarfError.InFile(Path, 0x3e, $"e_shstrndx {shstrndx} is not below the section count {shnum}");

        var raw = new Section[shnum];
        for (int i = 0; i < shnum; i++)
        {
            var s = new ReadOnlySpan<byte>(_base + shoff + (ulong)i * SectionHeaderSize, SectionHeaderSize);
            var section = new Section(i, "",
                BinaryPrimitives.ReadUInt32LittleEndian(s[4..]),
                BinaryPrimitives.ReadUInt64LittleEndian(s[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(s[0x18..]),
                BinaryPrimitives.ReadUInt64LittleEndian(s[0x20..]),
                BinaryPrimitives.ReadUInt32LittleEndian(s[0x28..]),
                BinaryPrimitives.ReadUInt32LittleEndian(s[0x2c..]));
            if (section.Type != ShtNobits && (section.Offset > (ulong)Length || section.Size > (ulong)Length - section.Offset))
                throw DwarfError.InFile(Path, (long)shoff + i * SectionHeaderSize,
                    $"section {i}: offset 0x{section.Offset:x} and size {section.Size} run past the end of the file ({Length} bytes)");
            raw[i] = section;
        }
        var names = raw[shstrndx];
        var nameBytes = new ReadOnlySpan<byte>(_base + names.Offset, (int)Math.Min(names.Size, int.MaxValue));
        for (int i = 0; i < raw.Length; i++)
        {
            uint nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(new ReadOnlySpan<byte>(_base + shoff + (ulong)i * SectionHeaderSize, 4));
            if (nameOffset >= nameBytes.Length)
                throw DwarfError.InFile(Path, (long)shoff + i * SectionHeaderSize, $"section {i}: name offset {nameOffset} is past the section name table ({nameBytes.Length} bytes)");
            int end = nameBytes[(int)nameOffset..].IndexOf((byte)0);
            if (end < 0) throw DwarfError.InFile(Path, (long)names.Offset + nameOffset, "a section name has no terminating NUL");
            var name = Encoding.UTF8.GetString(nameBytes.Slice((int)nameOffset, end));
            var section = raw[i] with { Name = name };
            raw[i] = section;
            if (name.Length > 0) _sections.TryAdd(name, section);
        }
        BuildId = FindBuildId(raw);
        _all = raw;
    }

    private string? FindBuildId(Section[] sections)
    {
        foreach (var section in sections)
        {
            if (section.Type != ShtNote || section.Size > 1 << 20) continue;
            var notes = new ReadOnlySpan<byte>(_base + section.Offset, (int)section.Size);
            int at = 0;
            while (at + 12 <= notes.Length)
            {
                uint nameSize = BinaryPrimitives.ReadUInt32LittleEndian(notes[at..]);
                uint descSize = BinaryPrimitives.ReadUInt32LittleEndian(notes[(at + 4)..]);
                uint type = BinaryPrimitives.ReadUInt32LittleEndian(notes[(at + 8)..]);
                long nameStart = at + 12;
                long descStart = nameStart + ((nameSize + 3L) & ~3L);
                if (descStart + descSize > notes.Length) break;
                if (type == 3 && nameSize == 4 && notes.Slice((int)nameStart, 4).SequenceEqual("GNU\0"u8))
                    return Convert.ToHexStringLower(notes.Slice((int)descStart, (int)descSize));
                at = (int)(descStart + ((descSize + 3L) & ~3L));
            }
        }
        return null;
    }

    // A relocatable object (a .o or a kernel module) leaves section offsets in .debug_* to be filled by the
    // linker: copy the section and apply its RELA entries, with each section at its SectionAddresses entry
    // (where the module loader put it), else at address 0.
    private DwarfSection Relocated(Section target, Section rela)
    {
        var copy = GC.AllocateArray<byte>((int)target.Size, pinned: true);
        new ReadOnlySpan<byte>(_base + target.Offset, copy.Length).CopyTo(copy);
        if (rela.Link >= _all.Length || _all[rela.Link].Type != ShtSymtab)
            throw DwarfError.InFile(Path, (long)rela.Offset, $"{rela.Name}: sh_link {rela.Link} is not a symbol table");
        var symtab = _all[rela.Link];
        var symbols = new ReadOnlySpan<byte>(_base + symtab.Offset, (int)Math.Min(symtab.Size, int.MaxValue));
        var entries = new ReadOnlySpan<byte>(_base + rela.Offset, (int)Math.Min(rela.Size, int.MaxValue));
        for (int at = 0; at + 24 <= entries.Length; at += 24)
        {
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(entries[at..]);
            ulong info = BinaryPrimitives.ReadUInt64LittleEndian(entries[(at + 8)..]);
            long addend = BinaryPrimitives.ReadInt64LittleEndian(entries[(at + 16)..]);
            uint type = (uint)info, symbol = (uint)(info >> 32);
            long entryOffset = (long)rela.Offset + at;
            if ((ulong)symbol * 24 + 24 > (ulong)symbols.Length)
                throw DwarfError.InFile(Path, entryOffset, $"{rela.Name}: symbol {symbol} is past the symbol table ({symbols.Length / 24} entries)");
            ulong value = BinaryPrimitives.ReadUInt64LittleEndian(symbols[(int)(symbol * 24 + 8)..]) + (ulong)addend;
            ushort shndx = BinaryPrimitives.ReadUInt16LittleEndian(symbols[(int)(symbol * 24 + 6)..]);
            if (SectionAddresses is { } placed && shndx is > 0 and < 0xff00 && shndx < _all.Length && placed.TryGetValue(_all[shndx].Name, out var sectionAddress))
                value += sectionAddress;
            int width = type switch
            {
                0 => 0, // R_X86_64_NONE
                1 => 8, // R_X86_64_64
                10 or 11 => 4, // R_X86_64_32, R_X86_64_32S
                2 => 4, // R_X86_64_PC32: S + A - P, the debug section itself at 0
                _ => throw new NotSupportedException($"{Path}: {rela.Name} at file offset 0x{entryOffset:x}: relocation type {type} in a debug section is not supported"),
            };
            if (type == 2) value -= offset;
            if (width == 0) continue;
            if (offset > (ulong)copy.Length || (ulong)width > (ulong)copy.Length - offset)
                throw DwarfError.InFile(Path, entryOffset, $"{rela.Name}: relocation at 0x{offset:x} is outside {target.Name} ({copy.Length} bytes)");
            if (width == 8) BinaryPrimitives.WriteUInt64LittleEndian(copy.AsSpan((int)offset), value);
            else BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan((int)offset), (uint)value);
        }
        lock (_relocatedCopies) _relocatedCopies.Add(copy);
        fixed (byte* pointer = copy)
            return new DwarfSection(Path, target.Name, pointer, copy.Length, (long)target.Offset);
    }
}
