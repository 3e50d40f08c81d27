namespace DumpScope.Testing.Types;

/// <summary>
/// Writes small BTF blobs byte by byte for tests, following the uapi layout: a 24-byte header, the type
/// section (btf_type records, ids from 1 in order of writing), then the string section. Ids of types not
/// yet written may be used (BTF allows forward references), which is how cycles are built.
/// </summary>
public sealed class BtfBuilder
{
    private readonly List<byte> _types = [];
    private readonly List<byte> _strings = [0];
    private readonly Dictionary<string, uint> _stringOffsets = new() { [""] = 0 };
    private readonly BtfBuilder? _base;
    private readonly uint _stringBase;

    /// <summary>A builder of base (vmlinux-like) BTF.</summary>
    public BtfBuilder()
    {
    }

    private BtfBuilder(BtfBuilder baseBuilder)
    {
        _base = baseBuilder;
        _strings.Clear();
        _stringOffsets.Clear();
        _stringBase = baseBuilder.StringSpace;
        NextId = baseBuilder.NextId;
    }

    /// <summary>
    /// A builder of split BTF (a kernel module's) on top of this one as it is now: ids continue this builder's, string
    /// offsets continue its string section, and a string this one already has is reused (as pahole does).
    /// </summary>
    public BtfBuilder Split() => new(this);

    /// <summary>The id the next type will get.</summary>
    public int NextId { get; private set; } = 1;

    /// <summary>The length of the string offset space so far (a base's and this builder's strings).</summary>
    public uint StringSpace => _stringBase + (uint)_strings.Count;

    /// <summary>Offset of a string in the string section, added on first use.</summary>
    public uint Str(string text)
    {
        if (_base is not null && _base._stringOffsets.TryGetValue(text, out var inBase)) return inBase;
        if (_stringOffsets.TryGetValue(text, out var offset)) return offset;
        offset = _stringBase + (uint)_strings.Count;
        _strings.AddRange(Encoding.UTF8.GetBytes(text));
        _strings.Add(0);
        _stringOffsets[text] = offset;
        return offset;
    }

    /// <summary>A record with raw fields: name_off, kind, vlen, kind_flag, size/type, then trailing u32s.</summary>
    public int Raw(uint nameOffset, int kind, int vlen, bool kindFlag, uint sizeOrType, params uint[] extra)
    {
        U32(nameOffset);
        U32((uint)vlen | ((uint)kind << 24) | (kindFlag ? 0x8000_0000u : 0));
        U32(sizeOrType);
        foreach (var e in extra) U32(e);
        return NextId++;
    }

    public int Int(string name, uint size, bool signed = false, uint bits = 0, uint bitOffset = 0, bool isChar = false, bool isBool = false)
    {
        uint encoding = (signed ? 1u : 0) | (isChar ? 2u : 0) | (isBool ? 4u : 0);
        return Raw(Str(name), 1, 0, false, size, (encoding << 24) | (bitOffset << 16) | (bits == 0 ? size * 8 : bits));
    }

    public int Ptr(int target) => Raw(0, 2, 0, false, (uint)target);

    /// <summary>
    /// The types nearly every synthetic kernel structure is made of, written in this order: unsigned int, long
    /// unsigned int, char, char *, void *, struct list_head (next and prev pointing at itself).
    /// </summary>
    public KernelBasicTypes KernelBasics()
    {
        int u32 = Int("unsigned int", 4);
        int u64 = Int("long unsigned int", 8);
        int ch = Int("char", 1, signed: true, isChar: true);
        int charPtr = Ptr(ch);
        int voidPtr = Ptr(0);
        int listPtr = Ptr(NextId + 1);
        int list = Struct("list_head", 16, ("next", listPtr, 0, 0), ("prev", listPtr, 64, 0));
        return new KernelBasicTypes(u32, u64, ch, charPtr, voidPtr, list);
    }

    public int Array(int element, int index, uint count) => Raw(0, 3, 0, false, 0, (uint)element, (uint)index, count);

    /// <summary>A struct; members are (name, type, bit offset, bitfield size); kind_flag is set when any has a size.</summary>
    public int Struct(string name, uint size, params (string Name, int Type, uint BitOffset, uint BitSize)[] members) =>
        Aggregate(4, name, size, members.Any(m => m.BitSize != 0), members);

    public int Union(string name, uint size, params (string Name, int Type, uint BitOffset, uint BitSize)[] members) =>
        Aggregate(5, name, size, members.Any(m => m.BitSize != 0), members);

    /// <summary>A struct in the old encoding (kind_flag clear): bitfields only through INT bit counts.</summary>
    public int StructWithoutKindFlag(string name, uint size, params (string Name, int Type, uint BitOffset)[] members) =>
        Aggregate(4, name, size, false, members.Select(m => (m.Name, m.Type, m.BitOffset, 0u)).ToArray());

    private int Aggregate(int kind, string name, uint size, bool kindFlag, (string Name, int Type, uint BitOffset, uint BitSize)[] members)
    {
        var extra = new List<uint>();
        foreach (var m in members)
        {
            extra.Add(Str(m.Name));
            extra.Add((uint)m.Type);
            extra.Add(kindFlag ? (m.BitSize << 24) | m.BitOffset : m.BitOffset);
        }
        return Raw(Str(name), kind, members.Length, kindFlag, size, [.. extra]);
    }

    public int Enum(string name, uint size, bool signed, params (string Name, int Value)[] values) =>
        Raw(Str(name), 6, values.Length, signed, size, [.. values.SelectMany(v => new[] { Str(v.Name), (uint)v.Value })]);

    public int Enum64(string name, uint size, bool signed, params (string Name, long Value)[] values) =>
        Raw(Str(name), 19, values.Length, signed, size,
            [.. values.SelectMany(v => new[] { Str(v.Name), (uint)(ulong)v.Value, (uint)((ulong)v.Value >> 32) })]);

    public int Fwd(string name, bool union = false) => Raw(Str(name), 7, 0, union, 0);

    public int Typedef(string name, int target) => Raw(Str(name), 8, 0, false, (uint)target);

    public int Volatile(int target) => Raw(0, 9, 0, false, (uint)target);

    public int Const(int target) => Raw(0, 10, 0, false, (uint)target);

    public int Restrict(int target) => Raw(0, 11, 0, false, (uint)target);

    public int Func(string name, int proto) => Raw(Str(name), 12, 1, false, (uint)proto);

    public int FuncProto(int returnType, params (string Name, int Type)[] parameters) =>
        Raw(0, 13, parameters.Length, false, (uint)returnType, [.. parameters.SelectMany(p => new[] { Str(p.Name), (uint)p.Type })]);

    public int Var(string name, int type) => Raw(Str(name), 14, 0, false, (uint)type, 1);

    public int Datasec(string name, uint size, params (int Var, uint Offset, uint Size)[] vars) =>
        Raw(Str(name), 15, vars.Length, false, size, [.. vars.SelectMany(v => new[] { (uint)v.Var, v.Offset, v.Size })]);

    public int Float(string name, uint size) => Raw(Str(name), 16, 0, false, size);

    public int DeclTag(string name, int type, int componentIndex) => Raw(Str(name), 17, 0, false, (uint)type, (uint)componentIndex);

    public int TypeTag(string name, int type) => Raw(Str(name), 18, 0, false, (uint)type);

    /// <summary>The blob: header (magic, version 1, flags 0, hdr_len 24, type_off 0, type_len, str_off, str_len), types, strings.</summary>
    public byte[] Build()
    {
        var data = new byte[24 + _types.Count + _strings.Count];
        BinaryPrimitives.WriteUInt16LittleEndian(data, 0xeB9F);     // magic
        data[2] = 1;                                                  // version
        data[3] = 0;                                                  // flags
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), 24); // hdr_len
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(8), 0);  // type_off
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(12), (uint)_types.Count);  // type_len
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(16), (uint)_types.Count);  // str_off
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(20), (uint)_strings.Count); // str_len
        _types.CopyTo(data, 24);
        _strings.CopyTo(data, 24 + _types.Count);
        return data;
    }

    private void U32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        _types.AddRange(b.ToArray());
    }
}
