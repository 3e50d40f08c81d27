using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DumpScope.Host.Types.Btf;

/// <summary>
/// The raw BTF type section, indexed by type id: one pass records where each type record starts and checks
/// every string offset and type reference, then two cheap graph checks refuse reference cycles. Records are
/// decoded on demand from the original bytes; nothing is materialised here.
/// </summary>
/// <remarks>
/// Split BTF (a kernel module's, kernel/bpf/btf.c btf_parse_module): the records continue the ids of a base table
/// (vmlinux's) and the string offsets continue its string section, so a module's types refer to vmlinux's by id and
/// reuse its strings. Such a table answers for its own ids (<see cref="FirstId"/> and up) and hands lower ids and
/// string offsets to <see cref="Base"/>.
/// </remarks>
internal sealed class BtfTypeTable
{
    /// <summary>Most type records accepted (type ids are 31-bit; real kernels hold 100k–200k).</summary>
    public const int MaxTypes = 1 << 24;

    /// <summary>Size of <c>struct btf_type</c>.</summary>
    public const int TypeRecordSize = 12;

    private readonly byte[] _data;
    private readonly int[] _offsets;
    private readonly int _stringStart;
    private readonly int _stringEnd;
    // Split BTF: local record i has id i + _idShift; string offsets below _baseStrings are the base's.
    private readonly int _idShift;
    private readonly uint _baseStrings;

    private BtfTypeTable(byte[] data, string source, BtfHeader header, int[] offsets, int count, BtfTypeTable? baseTable)
    {
        _data = data;
        Source = source;
        Header = header;
        _offsets = offsets;
        Base = baseTable;
        _idShift = baseTable is null ? 0 : baseTable.Count - 1;
        _baseStrings = baseTable?.StringSpace ?? 0;
        Count = count + _idShift;
        _stringStart = header.StringStart;
        _stringEnd = header.StringStart + (int)header.StringLength;
    }

    /// <summary>The table split BTF continues (vmlinux's for a module), or null.</summary>
    public BtfTypeTable? Base { get; }

    /// <summary>The first id this table's own records have: 1, or the base's count for split BTF.</summary>
    public int FirstId => _idShift + 1;

    /// <summary>Length of the string offset space (the base's strings and this table's).</summary>
    public uint StringSpace => _baseStrings + Header.StringLength;

    /// <summary>Where the data came from, for messages.</summary>
    public string Source { get; }

    /// <summary>The checked header.</summary>
    public BtfHeader Header { get; }

    /// <summary>Number of type ids including 0 (void) and a base's: valid ids are 0..Count-1.</summary>
    public int Count { get; }

    /// <summary>Total bytes of BTF data.</summary>
    public int Length => _data.Length;

    /// <summary>
    /// Parses and checks the data. The passes over every record run once per session, so they are compiled
    /// optimised straight away (AggressiveOptimization) instead of starting in the slow first JIT tier.
    /// </summary>
    public static BtfTypeTable Parse(byte[] data, string source, BtfTypeTable? baseTable = null)
    {
        var header = BtfHeader.Parse(data, source, split: baseTable is not null);
        int idShift = baseTable is null ? 0 : baseTable.Count - 1;
        var offsets = Index(data, source, header, idShift, baseTable?.StringSpace ?? 0, out int count);
        var table = new BtfTypeTable(data, source, header, offsets, count, baseTable);
        table.CheckChains();
        table.CheckContainment();
        return table;
    }

    /// <summary>The kind of a type id (id 0 is <see cref="BtfKind.Unknown"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public BtfKind Kind(int id) => id == 0 ? BtfKind.Unknown : id <= _idShift ? Base!.Kind(id) : (BtfKind)((U32(_offsets[id - _idShift] + 4) >> 24) & 0x1f);

    /// <summary>vlen: member, enumerator or parameter count (linkage for FUNC).</summary>
    public int Vlen(int id) => id <= _idShift ? Base!.Vlen(id) : (int)(U32(_offsets[id - _idShift] + 4) & 0xffff);

    /// <summary>kind_flag: bitfield encoding for STRUCT/UNION, union for FWD, signedness for ENUM/ENUM64.</summary>
    public bool KindFlag(int id) => id <= _idShift ? Base!.KindFlag(id) : (U32(_offsets[id - _idShift] + 4) & 0x8000_0000) != 0;

    /// <summary>name_off.</summary>
    public uint NameOffset(int id) => id <= _idShift ? Base!.NameOffset(id) : U32(_offsets[id - _idShift]);

    /// <summary>The size (INT, ENUM, STRUCT, UNION, DATASEC, FLOAT) or referenced type (the other kinds).</summary>
    public uint SizeOrType(int id) => id <= _idShift ? Base!.SizeOrType(id) : U32(_offsets[id - _idShift] + 8);

    /// <summary>Absolute offset of the data that follows one of this table's own records (ids from <see cref="FirstId"/>).</summary>
    public int ExtraOffset(int id) => _offsets[id - _idShift] + TypeRecordSize;

    /// <summary>Absolute offset of one of this table's own records, for messages.</summary>
    public int RecordOffset(int id) => _offsets[id - _idShift];

    /// <summary>A little-endian u32 at an absolute offset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint U32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(_data.AsSpan(offset, 4));

    /// <summary>The bytes of a string (without its NUL); offsets were checked at parse time.</summary>
    public ReadOnlySpan<byte> StringBytes(uint nameOffset)
    {
        if (nameOffset < _baseStrings) return Base!.StringBytes(nameOffset);
        nameOffset -= _baseStrings;
        var span = _data.AsSpan(_stringStart + (int)nameOffset, _stringEnd - _stringStart - (int)nameOffset);
        return span[..span.IndexOf((byte)0)];
    }

    /// <summary>A string from the string section.</summary>
    public string String(uint nameOffset) => nameOffset == 0 ? "" : Encoding.UTF8.GetString(StringBytes(nameOffset));

    /// <summary>The type's name ("" when anonymous).</summary>
    public string Name(int id) => String(NameOffset(id));

    /// <summary>A malformed-data error at an absolute offset.</summary>
    public InvalidDataException Error(long offset, string problem) => BtfError.At(Source, offset, problem);

    /// <summary>The next link of a chain kind (the element for ARRAY), or -1 for other kinds.</summary>
    public int ChainNext(int id) => id <= _idShift ? Base!.ChainNext(id) : Kind(id) switch
    {
        BtfKind.Ptr or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict or BtfKind.TypeTag => (int)SizeOrType(id),
        BtfKind.Array => (int)U32(ExtraOffset(id)),
        _ => -1,
    };

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int[] Index(byte[] data, string source, BtfHeader header, int idShift, uint baseStrings, out int count)
    {
        if (!BitConverter.IsLittleEndian)
            throw new NotSupportedException("reading BTF needs a little-endian host");
        int typeStart = header.TypeStart;
        // The section is a sequence of u32 words (type_off and type_len are multiples of 4).
        var words = MemoryMarshal.Cast<byte, uint>(data.AsSpan(typeStart, (int)header.TypeLength));
        // Split BTF: string offsets run over the base's strings then these; ids over the base's then these.
        uint stringLength = baseStrings + header.StringLength;
        // A record is at least 3 words: this bounds the id count before any allocation grows past it.
        var offsets = new int[Math.Min(words.Length / 3, MaxTypes) + 1];
        int id = 1, position = 0, end = words.Length;
        uint maxRef = 0;
        int maxRefFrom = 0, maxRefWord = 0;
        while (position < end)
        {
            if (end - position < 3)
                throw BtfError.At(source, typeStart + position * 4L, $"type {id}: expected a {TypeRecordSize}-byte btf_type record, the type section ends after {(end - position) * 4} bytes");
            if (id > MaxTypes)
                throw BtfError.At(source, typeStart + position * 4L, $"more than {MaxTypes} types (the maximum this reader accepts)");
            uint nameOff = words[position], info = words[position + 1], sizeOrType = words[position + 2];
            var kind = (BtfKind)((info >> 24) & 0x1f);
            int vlen = (int)(info & 0xffff);
            if (nameOff >= stringLength) throw BadString(nameOff, position);
            int extra = kind switch
            {
                BtfKind.Int or BtfKind.Var or BtfKind.DeclTag => 1,
                BtfKind.Array => 3,
                BtfKind.Struct or BtfKind.Union or BtfKind.Datasec or BtfKind.Enum64 => 3 * vlen,
                BtfKind.Enum or BtfKind.FuncProto => 2 * vlen,
                BtfKind.Ptr or BtfKind.Fwd or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
                    or BtfKind.Func or BtfKind.Float or BtfKind.TypeTag => 0,
                _ => throw BtfError.At(source, typeStart + position * 4L + 4, $"type {id}: unknown BTF kind {(int)kind} (info 0x{info:x8})"),
            };
            int body = position + 3;
            if (extra > end - body)
                throw BtfError.At(source, typeStart + body * 4L, $"type {id} ({kind}, vlen {vlen}): expected {extra * 4} bytes of trailing data, the type section ends after {(end - body) * 4}");
            switch (kind)
            {
                case BtfKind.Int:
                    {
                        uint encoding = words[body];
                        uint bits = encoding & 0xff, bitOffset = (encoding >> 16) & 0xff;
                        if (sizeOrType is not (1 or 2 or 4 or 8 or 16) || bits > 128 || bits + bitOffset > sizeOrType * 8)
                            throw BtfError.At(source, typeStart + body * 4L, $"type {id}: INT of size {sizeOrType} with {bits} bits at bit offset {bitOffset} is impossible");
                        break;
                    }
                case BtfKind.Ptr or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
                    or BtfKind.Func or BtfKind.Var or BtfKind.TypeTag or BtfKind.DeclTag:
                    Ref(sizeOrType, position + 2);
                    break;
                case BtfKind.FuncProto:
                    Ref(sizeOrType, position + 2);
                    for (int at = body; at < body + extra; at += 2)
                    {
                        if (words[at] >= stringLength) throw BadString(words[at], at);
                        Ref(words[at + 1], at + 1);
                    }
                    break;
                case BtfKind.Array:
                    Ref(words[body], body);
                    Ref(words[body + 1], body + 1);
                    break;
                case BtfKind.Struct or BtfKind.Union:
                    for (int at = body; at < body + extra; at += 3)
                    {
                        if (words[at] >= stringLength) throw BadString(words[at], at);
                        Ref(words[at + 1], at + 1);
                    }
                    break;
                case BtfKind.Enum:
                    for (int at = body; at < body + extra; at += 2)
                        if (words[at] >= stringLength) throw BadString(words[at], at);
                    break;
                case BtfKind.Enum64:
                    for (int at = body; at < body + extra; at += 3)
                        if (words[at] >= stringLength) throw BadString(words[at], at);
                    break;
                case BtfKind.Datasec:
                    for (int at = body; at < body + extra; at += 3)
                        Ref(words[at], at);
                    break;
            }
            offsets[id++] = typeStart + position * 4;
            position = body + extra;
        }
        count = id;
        if (maxRef >= (uint)(count + idShift))
            throw BtfError.At(source, typeStart + maxRefWord * 4L, $"type {maxRefFrom + idShift} refers to type id {maxRef}, past the last type ({count + idShift - 1})");
        return offsets;

        void Ref(uint target, int word)
        {
            if (target > maxRef) { maxRef = target; maxRefWord = word; maxRefFrom = id; }
        }

        InvalidDataException BadString(uint offset, int word) =>
            BtfError.At(source, typeStart + word * 4L, $"type {id + idShift}: string offset {offset} is past the string section ({stringLength} bytes)");
    }

    private static bool IsChain(BtfKind kind) => kind is BtfKind.Ptr or BtfKind.Array or BtfKind.Typedef or BtfKind.Volatile
        or BtfKind.Const or BtfKind.Restrict or BtfKind.TypeTag;

    /// <summary>
    /// Pointer, array, typedef and qualifier links must end at some other kind: a loop among them (typedef A
    /// → typedef B → typedef A) has no meaning and would send every size or name computation round forever.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CheckChains()
    {
        var state = new byte[Count];
        var path = new List<int>();
        // A base's records were checked with it and cannot lead back into this table: they end a chain here.
        for (int id = FirstId; id < Count; id++)
        {
            if (state[id] != 0 || !IsChain(Kind(id))) continue;
            path.Clear();
            int current = id;
            while (current > _idShift && state[current] == 0 && IsChain(Kind(current)))
            {
                state[current] = 1;
                path.Add(current);
                current = ChainNext(current);
            }
            if (current > _idShift && state[current] == 1)
            {
                var loop = path[path.IndexOf(current)..].Append(current).Select(t => $"{t} ({Kind(t)} '{Name(t)}')");
                throw Error(RecordOffset(current), $"reference cycle: {string.Join(" -> ", loop)}");
            }
            foreach (var t in path) state[t] = 2;
        }
    }

    /// <summary>
    /// A struct or union cannot contain itself by value (directly, through arrays or typedefs): such a loop
    /// would give an infinite size and send member walks round forever.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CheckContainment()
    {
        var state = new byte[Count];
        var stack = new Stack<(int Id, int Member)>();
        for (int root = FirstId; root < Count; root++)
        {
            if (state[root] != 0 || Kind(root) is not (BtfKind.Struct or BtfKind.Union)) continue;
            stack.Push((root, 0));
            state[root] = 1;
            while (stack.Count > 0)
            {
                var (id, member) = stack.Pop();
                if (member == Vlen(id))
                {
                    state[id] = 2;
                    continue;
                }
                stack.Push((id, member + 1));
                int contained = ContainedAggregate((int)U32(ExtraOffset(id) + member * 12 + 4));
                if (contained <= _idShift) continue;
                if (state[contained] == 1)
                {
                    var loop = stack.Reverse().Select(e => e.Id).SkipWhile(t => t != contained).Append(contained)
                        .Select(t => $"{t} ({Kind(t)} '{Name(t)}')");
                    throw Error(RecordOffset(contained), $"a struct or union contains itself by value: {string.Join(" -> ", loop)}");
                }
                if (state[contained] == 0)
                {
                    state[contained] = 1;
                    stack.Push((contained, 0));
                }
            }
        }
    }

    /// <summary>The struct/union a member of this type embeds by value (through typedefs, qualifiers and arrays), or 0.</summary>
    private int ContainedAggregate(int id)
    {
        while (true)
        {
            switch (Kind(id))
            {
                case BtfKind.Struct or BtfKind.Union: return id;
                case BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict or BtfKind.TypeTag or BtfKind.Array:
                    id = ChainNext(id);
                    break;
                default: return 0;
            }
        }
    }
}
