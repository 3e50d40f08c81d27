using DumpScope.Host.Types.Dwarf;

namespace DumpScope.Host.Tests.Dwarf;

/// <summary>
/// Writes byte-exact DWARF (one abbreviation table, units of DIEs written field by field) and wraps it in a
/// minimal 64-bit little-endian ELF file, for tests of the reader on data the fixtures lack (DWARF 4 headers,
/// strx/addrx forms, type units, legacy bitfields) and on malformed data. DIE references are labels resolved
/// when the file is built.
/// </summary>
internal sealed class DwarfBuilder
{
    private readonly List<byte> _abbrev = [];
    private readonly List<byte> _info = [];
    private readonly List<byte> _str = [0];
    private readonly Dictionary<string, int> _strings = new(StringComparer.Ordinal) { [""] = 0 };
    private readonly Dictionary<string, long> _labels = new(StringComparer.Ordinal);
    private readonly List<(int At, string Label, long UnitStart, int Size)> _fixups = [];
    private int _nextCode = 1;
    private long _unitStart = -1;
    private int _unitTypeOffsetAt = -1;
    private string? _unitTypeLabel;

    public DwarfBuilder(int version = 5, int addressSize = 8)
    {
        Version = version;
        AddressSize = addressSize;
    }

    public int Version { get; }
    public int AddressSize { get; }

    /// <summary>Extra sections by name (".debug_str_offsets", ".debug_addr", …).</summary>
    public Dictionary<string, byte[]> ExtraSections { get; } = new(StringComparer.Ordinal);

    /// <summary>Declares an abbreviation; returns its code.</summary>
    public int Abbrev(DwarfTag tag, bool children, params (DwarfAttribute Name, DwarfForm Form)[] attributes) =>
        AbbrevWithConsts(tag, children, attributes.Select(a => (a.Name, a.Form, 0L)).ToArray());

    /// <summary>Declares an abbreviation whose implicit_const attributes carry values.</summary>
    public int AbbrevWithConsts(DwarfTag tag, bool children, params (DwarfAttribute Name, DwarfForm Form, long Value)[] attributes)
    {
        int code = _nextCode++;
        Uleb(_abbrev, (ulong)code);
        Uleb(_abbrev, (ulong)tag);
        _abbrev.Add(children ? (byte)1 : (byte)0);
        foreach (var (name, form, value) in attributes)
        {
            Uleb(_abbrev, (ulong)name);
            Uleb(_abbrev, (ulong)form);
            if (form == DwarfForm.ImplicitConst) Sleb(_abbrev, value);
        }
        _abbrev.Add(0);
        _abbrev.Add(0);
        return code;
    }

    /// <summary>Raw bytes appended to .debug_abbrev (for malformed tables).</summary>
    public DwarfBuilder RawAbbrev(params byte[] bytes)
    {
        _abbrev.AddRange(bytes);
        return this;
    }

    /// <summary>Offset of a string in .debug_str (added once).</summary>
    public int Str(string text)
    {
        if (_strings.TryGetValue(text, out int offset)) return offset;
        offset = _str.Count;
        _str.AddRange(Encoding.UTF8.GetBytes(text));
        _str.Add(0);
        _strings[text] = offset;
        return offset;
    }

    /// <summary>Starts a unit (DWARF 5 header with the given unit type, or the DWARF 2–4 header).</summary>
    public DwarfBuilder BeginUnit(byte unitType = DwarfUnit.UtCompile, ulong signature = 0, string? typeLabel = null)
    {
        if (_unitStart >= 0) throw new InvalidOperationException("a unit is already open");
        _unitStart = _info.Count;
        U32(0); // unit_length, patched in EndUnit
        U16((ushort)Version);
        if (Version >= 5)
        {
            U8(unitType);
            U8((byte)AddressSize);
            U32(0); // abbrev offset: the one table at 0
            if (unitType is DwarfUnit.UtType or DwarfUnit.UtSplitType)
            {
                U64(signature);
                _unitTypeOffsetAt = _info.Count;
                _unitTypeLabel = typeLabel;
                U32(0);
            }
        }
        else
        {
            U32(0);
            U8((byte)AddressSize);
        }
        return this;
    }

    /// <summary>Ends the unit: patches its length (and a type unit's type offset).</summary>
    public DwarfBuilder EndUnit()
    {
        int length = _info.Count - (int)_unitStart - 4;
        BinaryPrimitives.WriteInt32LittleEndian(Span((int)_unitStart, 4), length);
        if (_unitTypeOffsetAt >= 0)
        {
            _fixups.Add((_unitTypeOffsetAt, _unitTypeLabel!, _unitStart, 4));
            _unitTypeOffsetAt = -1;
        }
        _unitStart = -1;
        return this;
    }

    /// <summary>Starts a DIE with an abbreviation code, optionally naming its offset (several names allowed).</summary>
    public DwarfBuilder Die(int code, params string[] labels)
    {
        foreach (var label in labels) _labels[label] = _info.Count;
        Uleb(_info, (ulong)code);
        return this;
    }

    /// <summary>The null entry that ends a list of children.</summary>
    public DwarfBuilder End() => U8(0);

    /// <summary>The current .debug_info offset.</summary>
    public int Position => _info.Count;

    public DwarfBuilder U8(byte v) { _info.Add(v); return this; }
    public DwarfBuilder U16(ushort v) { Grow(2, s => BinaryPrimitives.WriteUInt16LittleEndian(s, v)); return this; }
    public DwarfBuilder U32(uint v) { Grow(4, s => BinaryPrimitives.WriteUInt32LittleEndian(s, v)); return this; }
    public DwarfBuilder U64(ulong v) { Grow(8, s => BinaryPrimitives.WriteUInt64LittleEndian(s, v)); return this; }
    public DwarfBuilder Uleb(ulong v) { Uleb(_info, v); return this; }
    public DwarfBuilder Sleb(long v) { Sleb(_info, v); return this; }
    public DwarfBuilder Bytes(params byte[] bytes) { _info.AddRange(bytes); return this; }
    public DwarfBuilder CString(string s) { _info.AddRange(Encoding.UTF8.GetBytes(s)); _info.Add(0); return this; }
    /// <summary>A DW_FORM_strp value.</summary>
    public DwarfBuilder Strp(string s) => U32((uint)Str(s));
    /// <summary>A DW_FORM_ref4 to a label (unit-relative).</summary>
    public DwarfBuilder Ref4(string label) { _fixups.Add((_info.Count, label, _unitStart, 4)); return U32(0); }
    /// <summary>A DW_FORM_ref1 to a label (unit-relative).</summary>
    public DwarfBuilder Ref1(string label) { _fixups.Add((_info.Count, label, _unitStart, 1)); return U8(0); }
    /// <summary>A DW_FORM_ref2 to a label (unit-relative).</summary>
    public DwarfBuilder Ref2(string label) { _fixups.Add((_info.Count, label, _unitStart, 2)); return U16(0); }
    /// <summary>A DW_FORM_ref8 to a label (unit-relative).</summary>
    public DwarfBuilder Ref8(string label) { _fixups.Add((_info.Count, label, _unitStart, 8)); return U64(0); }
    /// <summary>A DW_FORM_ref_udata to a label (unit-relative), written as a 5-byte LEB128 so it can be patched.</summary>
    public DwarfBuilder RefUdata(string label) { _fixups.Add((_info.Count, label, _unitStart, -5)); return Bytes(0x80, 0x80, 0x80, 0x80, 0x00); }
    /// <summary>A DW_FORM_ref_addr to a label (section offset, 32-bit DWARF).</summary>
    public DwarfBuilder RefAddr(string label) { _fixups.Add((_info.Count, label, 0, 4)); return U32(0); }
    /// <summary>A DW_FORM_exprloc holding DW_OP_addr ADDRESS.</summary>
    public DwarfBuilder ExprAddr(ulong address) { Uleb((ulong)(1 + AddressSize)); U8(0x03); return AddressSize == 8 ? U64(address) : U32((uint)address); }

    /// <summary>.debug_info with references resolved.</summary>
    public byte[] InfoBytes()
    {
        var bytes = _info.ToArray();
        foreach (var (at, label, unitStart, size) in _fixups)
        {
            if (!_labels.TryGetValue(label, out long target)) throw new InvalidOperationException($"label '{label}' is not defined");
            long value = target - unitStart;
            switch (size)
            {
                case 1: bytes[at] = checked((byte)value); break;
                case 2: BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), checked((ushort)value)); break;
                case 4: BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), (uint)value); break;
                case 8: BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(at), (ulong)value); break;
                default:
                    for (int i = 0; i < 5; i++) bytes[at + i] = (byte)((byte)((value >> (7 * i)) & 0x7f) | (i < 4 ? 0x80 : 0));
                    break;
            }
        }
        return bytes;
    }

    /// <summary>.debug_abbrev (with the table's terminating 0).</summary>
    public byte[] AbbrevBytes() => [.. _abbrev, 0];

    /// <summary>The section offset of a label.</summary>
    public long Offset(string label) => _labels[label];

    /// <summary>The ELF file: .debug_abbrev, .debug_info, .debug_str, any extra sections and a GNU build-id note.</summary>
    public byte[] Elf(byte[]? buildId = null, Func<byte[], byte[]>? editInfo = null)
    {
        var sections = new List<(string Name, uint Type, byte[] Data)>
        {
            (".debug_abbrev", 1, AbbrevBytes()),
            (".debug_info", 1, editInfo is null ? InfoBytes() : editInfo(InfoBytes())),
            (".debug_str", 1, _str.ToArray()),
        };
        foreach (var (name, data) in ExtraSections) sections.Add((name, 1, data));
        if (buildId is not null)
        {
            var note = new byte[16 + buildId.Length + 3 & ~3];
            BinaryPrimitives.WriteUInt32LittleEndian(note, 4);
            BinaryPrimitives.WriteUInt32LittleEndian(note.AsSpan(4), (uint)buildId.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(note.AsSpan(8), 3); // NT_GNU_BUILD_ID
            "GNU\0"u8.CopyTo(note.AsSpan(12));
            buildId.CopyTo(note, 16);
            sections.Add((".note.gnu.build-id", 7, note));
        }
        return ElfImage(sections);
    }

    /// <summary>A 64-bit little-endian ET_EXEC file with these sections (and .shstrtab).</summary>
    public static byte[] ElfImage(List<(string Name, uint Type, byte[] Data)> sections, ushort elfType = 2)
    {
        var names = new List<byte> { 0 };
        var nameOffsets = new List<int>();
        foreach (var s in sections) { nameOffsets.Add(names.Count); names.AddRange(Encoding.ASCII.GetBytes(s.Name)); names.Add(0); }
        int shstrtabName = names.Count;
        names.AddRange(".shstrtab\0"u8.ToArray());
        var all = sections.Append((Name: ".shstrtab", Type: 3u, Data: names.ToArray())).ToList();
        nameOffsets.Add(shstrtabName);

        var file = new List<byte>(new byte[64]);
        var offsets = new List<long>();
        foreach (var s in all)
        {
            while (file.Count % 8 != 0) file.Add(0);
            offsets.Add(file.Count);
            file.AddRange(s.Data);
        }
        while (file.Count % 8 != 0) file.Add(0);
        long shoff = file.Count;
        file.AddRange(new byte[64]); // section 0
        for (int i = 0; i < all.Count; i++)
        {
            var header = new byte[64];
            BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)nameOffsets[i]);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), all[i].Type);
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(0x18), (ulong)offsets[i]);
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(0x20), (ulong)all[i].Data.Length);
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(0x30), 1);
            file.AddRange(header);
        }
        var bytes = file.ToArray();
        "\x7f"u8.CopyTo(bytes);
        "ELF"u8.CopyTo(bytes.AsSpan(1));
        bytes[4] = 2; // ELFCLASS64
        bytes[5] = 1; // little-endian
        bytes[6] = 1; // EV_CURRENT
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x10), elfType);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x12), 62); // EM_X86_64
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(0x14), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(0x28), (ulong)shoff);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x34), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x3a), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x3c), (ushort)(all.Count + 1));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(0x3e), (ushort)all.Count); // .shstrtab is last
        return bytes;
    }

    private Span<byte> Span(int at, int length) => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_info).Slice(at, length);

    private void Grow(int count, SpanAction write)
    {
        Span<byte> buffer = stackalloc byte[8];
        write(buffer[..count]);
        foreach (var b in buffer[..count]) _info.Add(b);
    }

    private delegate void SpanAction(Span<byte> span);

    private static void Uleb(List<byte> to, ulong v)
    {
        do
        {
            byte b = (byte)(v & 0x7f);
            v >>= 7;
            to.Add(v != 0 ? (byte)(b | 0x80) : b);
        } while (v != 0);
    }

    private static void Sleb(List<byte> to, long v)
    {
        while (true)
        {
            byte b = (byte)(v & 0x7f);
            v >>= 7;
            bool done = (v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0);
            to.Add(done ? b : (byte)(b | 0x80));
            if (done) return;
        }
    }
}
