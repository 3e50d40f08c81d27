using System.Collections.Concurrent;

namespace DumpScope.Host.Types.Dwarf;

/// <summary>
/// Turns type DIEs into <see cref="KernelType"/> objects on demand: one DIE (and its children for arrays,
/// enums, functions and, lazily, members) per type. Refuses reference cycles among typedefs, qualifiers and
/// arrays, and structs that contain themselves by value, with an <see cref="InvalidDataException"/> instead
/// of recursing forever.
/// </summary>
internal sealed class DwarfTypeReader
{
    /// <summary>Longest typedef/qualifier/array chain followed.</summary>
    public const int MaxChainLength = 256;

    /// <summary>Most array dimensions accepted.</summary>
    public const int MaxDimensions = 64;

    private readonly DwarfTypeCatalog _catalog;
    private readonly DwarfFile _file;
    private readonly ConcurrentDictionary<long, byte> _acyclic = new();

    public DwarfTypeReader(DwarfTypeCatalog catalog, DwarfFile file)
    {
        _catalog = catalog;
        _file = file;
    }

    /// <summary>The type described by the DIE at <paramref name="offset"/>.</summary>
    public KernelType Create(long offset, long referencedFrom)
    {
        var die = _file.ReadDie(offset, referencedFrom);
        switch (die.Tag)
        {
            case DwarfTag.BaseType:
                {
                    ulong size = Unsigned(die, DwarfAttribute.ByteSize)
                        ?? (Unsigned(die, DwarfAttribute.BitSize) is { } bits ? (bits + 7) / 8 : throw Malformed(die, "a base type without DW_AT_byte_size"));
                    return new DwarfBaseType(_catalog, offset, _file.Name(die), size, (int)(Unsigned(die, DwarfAttribute.Encoding) ?? 0));
                }
            case DwarfTag.PointerType or DwarfTag.ReferenceType or DwarfTag.RvalueReferenceType or DwarfTag.PtrToMemberType:
                return new DwarfReferenceType(_catalog, offset, TypeKind.Pointer, "", TypeOffset(die), Unsigned(die, DwarfAttribute.ByteSize) ?? (ulong)die.Unit.AddressSize);
            case DwarfTag.Typedef:
                CheckChain(offset);
                return new DwarfReferenceType(_catalog, offset, TypeKind.Typedef, _file.Name(die), TypeOffset(die), 0);
            case DwarfTag.ConstType or DwarfTag.VolatileType or DwarfTag.RestrictType:
                CheckChain(offset);
                var kind = die.Tag switch { DwarfTag.ConstType => TypeKind.Const, DwarfTag.VolatileType => TypeKind.Volatile, _ => TypeKind.Restrict };
                return new DwarfReferenceType(_catalog, offset, kind, "", TypeOffset(die), 0);
            case DwarfTag.AtomicType or DwarfTag.SharedType or DwarfTag.ImmutableType:
                // Qualifiers the SDK has no kind for change nothing about layout: the qualified type stands in.
                CheckChain(offset);
                return _catalog.Get(TypeOffset(die), offset);
            case DwarfTag.StructureType or DwarfTag.ClassType or DwarfTag.UnionType:
                {
                    var kindOf = die.Tag == DwarfTag.UnionType ? TypeKind.Union : TypeKind.Struct;
                    string name = _file.Name(die);
                    if (die.Flag(DwarfAttribute.Declaration))
                        return Definition(offset, name, kindOf == TypeKind.Union ? DwarfNameSpace.Union : DwarfNameSpace.Struct) ?? new DwarfForwardType(_catalog, offset, name, kindOf);
                    return new DwarfAggregateType(_catalog, offset, kindOf, name, Unsigned(die, DwarfAttribute.ByteSize) ?? 0);
                }
            case DwarfTag.EnumerationType:
                {
                    string name = _file.Name(die);
                    if (die.Flag(DwarfAttribute.Declaration))
                        return Definition(offset, name, DwarfNameSpace.Enum) ?? new DwarfForwardType(_catalog, offset, name, TypeKind.Enum);
                    return Enum(die, name);
                }
            case DwarfTag.ArrayType:
                CheckChain(offset);
                return new DwarfArrayType(_catalog, offset, TypeOffset(die), Dimensions(die), 0);
            case DwarfTag.SubroutineType:
                {
                    var parameters = new List<long>();
                    bool variadic = false;
                    foreach (var child in _file.Children(die))
                    {
                        if (child.Tag == DwarfTag.FormalParameter) parameters.Add(TypeOffset(child));
                        else if (child.Tag == DwarfTag.UnspecifiedParameters) variadic = true;
                    }
                    return new DwarfFunctionType(_catalog, offset, TypeOffset(die), parameters.ToArray(), variadic);
                }
            case DwarfTag.UnspecifiedType:
                return VoidType.Instance;
            default:
                string from = referencedFrom >= 0 ? $" (referenced as a type from 0x{referencedFrom:x})" : "";
                throw Malformed(die, $"a type is expected{from}, but this is a {DwarfNames.Tag(die.Tag)}");
        }
    }

    /// <summary>The members of a struct or union, with bit offsets from its start.</summary>
    public TypeMember[] Members(DwarfAggregateType aggregate)
    {
        using var lease = _file.Image.Acquire();
        CheckContainment(aggregate.DieOffset);
        var die = _file.ReadDie(aggregate.DieOffset);
        var members = new List<TypeMember>();
        foreach (var child in _file.Children(die))
        {
            if (child.Tag is not (DwarfTag.Member or DwarfTag.Inheritance)) continue;
            var type = _catalog.Get(TypeOffset(child), child.Offset);
            uint bitSize = (uint)(Unsigned(child, DwarfAttribute.BitSize) ?? 0);
            ulong bitOffset;
            if (Unsigned(child, DwarfAttribute.DataBitOffset) is { } dataBitOffset)
                bitOffset = dataBitOffset;
            else
            {
                bitOffset = MemberLocation(child) * 8;
                if (bitSize != 0 && child.TryGet(DwarfAttribute.BitOffset, out var legacy))
                {
                    // DWARF 2/3 bitfields: DW_AT_bit_offset counts from the most significant bit of a storage
                    // unit of DW_AT_byte_size bytes at DW_AT_data_member_location; on a little-endian target
                    // the field's lowest bit is storage bits - bit_offset - bit_size above the unit's start.
                    ulong storage = (Unsigned(child, DwarfAttribute.ByteSize) ?? type.Size) * 8;
                    long fromMsb = (long)legacy.Value;
                    long shift = (long)storage - fromMsb - bitSize;
                    if (!legacy.IsConstant || shift < -(long)bitOffset)
                        throw Malformed(child, $"DW_AT_bit_offset {fromMsb} with DW_AT_bit_size {bitSize} does not fit a {storage}-bit storage unit");
                    bitOffset = (ulong)((long)bitOffset + shift);
                }
            }
            members.Add(new TypeMember(_file.Name(child), type, bitOffset, bitSize));
        }
        return members.ToArray();
    }

    private KernelType? Definition(long declaration, string name, DwarfNameSpace space)
    {
        if (name.Length == 0) return null;
        var index = _catalog.Index;
        long definition = index.Find(space, name);
        if (definition < 0 || definition == declaration || index.Rank(space, name) < DwarfIndexBuilder.RankDefinition) return null;
        return _catalog.Get(definition, declaration);
    }

    private DwarfEnumType Enum(DwarfDie die, string name)
    {
        long underlying = TypeOffset(die);
        var values = new List<EnumValue>();
        foreach (var child in _file.Children(die))
        {
            if (child.Tag != DwarfTag.Enumerator) continue;
            if (!child.TryGet(DwarfAttribute.ConstValue, out var v)) throw Malformed(child, "an enumerator without DW_AT_const_value");
            long value = v.IsConstant ? (long)v.Value
                : v.IsBlock && v.DataLength is > 0 and <= 8 ? LittleEndian(_file.Block(v))
                : v.Form == DwarfForm.Data16 ? LittleEndian(_file.Info.Span.Slice(v.DataOffset, 8))
                : throw Malformed(child, $"DW_AT_const_value has form 0x{(int)v.Form:x}, not a constant");
            values.Add(new EnumValue(_file.Name(child), value));
        }
        var underlyingType = underlying >= 0 ? _catalog.Get(underlying, die.Offset) : null;
        bool signed = underlyingType is not null ? underlyingType.Resolve().IsSigned : values.Any(e => e.Value < 0);
        ulong size = Unsigned(die, DwarfAttribute.ByteSize) ?? underlyingType?.Size ?? 4;
        return new DwarfEnumType(_catalog, die.Offset, name, size, underlying, values.ToArray(), signed);
    }

    private ulong[] Dimensions(DwarfDie array)
    {
        var lengths = new List<ulong>();
        foreach (var child in _file.Children(array))
        {
            if (child.Tag != DwarfTag.SubrangeType) continue;
            if (lengths.Count >= MaxDimensions) throw Malformed(array, $"more than {MaxDimensions} array dimensions");
            lengths.Add(SubrangeLength(child));
        }
        // No subrange at all: an array of unknown size, as a flexible member is.
        if (lengths.Count == 0) lengths.Add(0);
        return lengths.ToArray();
    }

    private static ulong SubrangeLength(DwarfDie subrange)
    {
        if (subrange.TryGet(DwarfAttribute.Count, out var count))
            return count.IsConstant ? count.Value : 0; // a run-time count (a variable-length array)
        if (!subrange.TryGet(DwarfAttribute.UpperBound, out var upper) || !upper.IsConstant) return 0;
        long lower = subrange.TryGet(DwarfAttribute.LowerBound, out var l) && l.IsConstant ? (long)l.Value : 0;
        // Old compilers wrote zero-length arrays ("x[0]") as upper bound -1: sdata, or all ones in 8 bytes.
        // Smaller data forms hold small unsigned bounds (255 is data1 0xff), never -1.
        bool minusOne = upper.IsSignedConstant ? (long)upper.Value == -1 : upper.Value == ulong.MaxValue;
        if (minusOne) return 0;
        long length = (long)upper.Value - lower + 1;
        return length > 0 ? (ulong)length : 0;
    }

    private ulong MemberLocation(DwarfDie member)
    {
        if (!member.TryGet(DwarfAttribute.DataMemberLocation, out var location)) return 0; // union members
        if (location.IsConstant) return location.Value;
        if (location.IsBlock) return EvaluateOffset(member, _file.Block(location));
        throw new NotSupportedException($"{_file.Path}: {member.Describe()}: DW_AT_data_member_location as a location list (form 0x{(int)location.Form:x}) is not supported");
    }

    // The simple expressions producers write for member offsets: the struct's address is pushed first,
    // then DW_OP_plus_uconst N (or a constant and DW_OP_plus); the result is the offset from a base of 0.
    private ulong EvaluateOffset(DwarfDie member, ReadOnlySpan<byte> expression)
    {
        Span<ulong> stack = stackalloc ulong[8];
        int depth = 0;
        stack[depth++] = 0;
        int i = 0;
        while (i < expression.Length)
        {
            byte op = expression[i++];
            ulong pushed;
            switch (op)
            {
                case >= 0x30 and <= 0x4f: pushed = (ulong)(op - 0x30); break; // DW_OP_lit0..31
                case 0x08: pushed = Fixed(expression, ref i, 1); break; // const1u
                case 0x0a: pushed = Fixed(expression, ref i, 2); break; // const2u
                case 0x0c: pushed = Fixed(expression, ref i, 4); break; // const4u
                case 0x0e: pushed = Fixed(expression, ref i, 8); break; // const8u
                case 0x10: pushed = Uleb(expression, ref i); break; // constu
                case 0x23: // plus_uconst
                    stack[depth - 1] += Uleb(expression, ref i);
                    continue;
                case 0x22: // plus
                    if (depth < 2) throw Malformed(member, "DW_OP_plus with fewer than two values on the stack");
                    stack[depth - 2] += stack[depth - 1];
                    depth--;
                    continue;
                default:
                    throw new NotSupportedException($"{_file.Path}: {member.Describe()}: DW_AT_data_member_location uses DWARF operation 0x{op:x2}, which is not a constant offset");
            }
            if (depth == stack.Length) throw Malformed(member, "DW_AT_data_member_location pushes too many values");
            stack[depth++] = pushed;
        }
        return stack[depth - 1];

        ulong Fixed(ReadOnlySpan<byte> e, ref int at, int size)
        {
            if (at + size > e.Length) throw Malformed(member, "DW_AT_data_member_location expression ends inside an operand");
            ulong v = 0;
            for (int b = 0; b < size; b++) v |= (ulong)e[at + b] << (8 * b);
            at += size;
            return v;
        }

        ulong Uleb(ReadOnlySpan<byte> e, ref int at)
        {
            ulong v = 0;
            for (int shift = 0; ; shift += 7)
            {
                if (at >= e.Length || shift > 63) throw Malformed(member, "DW_AT_data_member_location expression ends inside a LEB128 operand");
                byte b = e[at++];
                v |= (ulong)(b & 0x7f) << shift;
                if (b < 0x80) return v;
            }
        }
    }

    /// <summary>The offset of the DIE a DW_AT_type names, or -1 for void (no DW_AT_type).</summary>
    public long TypeOffset(DwarfDie die)
    {
        if (!die.TryGet(DwarfAttribute.Type, out var value)) return -1;
        return Reference(die, value);
    }

    /// <summary>A reference attribute as a .debug_info offset (ref_sig8 through the type units).</summary>
    public long Reference(DwarfDie die, DwarfAttributeValue value)
    {
        if (value.IsLocalReference) return (long)value.Value;
        if (value.Form == DwarfForm.RefSig8)
        {
            long offset = _catalog.Index.FindSignature(value.Value);
            return offset >= 0 ? offset : throw Malformed(die, $"type signature 0x{value.Value:x16} is defined by no type unit in the file");
        }
        if (value.Form is DwarfForm.RefSup4 or DwarfForm.RefSup8 or DwarfForm.GnuRefAlt)
            throw new NotSupportedException($"{_file.Path}: {die.Describe()}: refers into a supplementary debug file (form 0x{(int)value.Form:x}); such files are not supported");
        throw Malformed(die, $"attribute 0x{(int)value.Name:x} has form 0x{(int)value.Form:x}, not a reference");
    }

    private static bool IsChain(DwarfTag tag) => tag is DwarfTag.Typedef or DwarfTag.ConstType or DwarfTag.VolatileType or DwarfTag.RestrictType
        or DwarfTag.AtomicType or DwarfTag.SharedType or DwarfTag.ImmutableType or DwarfTag.ArrayType;

    /// <summary>
    /// Typedef, qualifier and array links must end at some other kind of type: a loop among them has no
    /// size and would send every size or name computation round forever.
    /// </summary>
    private void CheckChain(long start)
    {
        var path = new List<long>();
        long current = start;
        while (current >= 0)
        {
            int seen = path.IndexOf(current);
            if (seen >= 0)
                throw _file.Info.Error(current, $"type reference cycle: {Describe(path.Skip(seen).Append(current))}");
            if (path.Count >= MaxChainLength)
                throw _file.Info.Error(start, $"a chain of more than {MaxChainLength} typedefs, qualifiers and arrays");
            path.Add(current);
            var die = _file.ReadDie(current, path.Count > 1 ? path[^2] : -1);
            if (!IsChain(die.Tag)) return;
            current = TypeOffset(die);
        }
    }

    /// <summary>
    /// A struct or union cannot contain itself by value (directly, or through members, arrays and typedefs):
    /// such a loop would give an infinite size and send member walks round forever. Checked once per type.
    /// </summary>
    private void CheckContainment(long root)
    {
        if (_acyclic.ContainsKey(root)) return;
        var stack = new List<(long Offset, long[] Contained, int Next)> { (root, ContainedAggregates(root), 0) };
        while (stack.Count > 0)
        {
            var (offset, contained, next) = stack[^1];
            if (next == contained.Length)
            {
                _acyclic.TryAdd(offset, 0);
                stack.RemoveAt(stack.Count - 1);
                continue;
            }
            stack[^1] = (offset, contained, next + 1);
            long inner = contained[next];
            if (_acyclic.ContainsKey(inner)) continue;
            int onPath = stack.FindIndex(e => e.Offset == inner);
            if (onPath >= 0)
                throw _file.Info.Error(inner, $"a struct or union contains itself by value: {Describe(stack.Skip(onPath).Select(e => e.Offset).Append(inner))}");
            if (stack.Count >= MaxChainLength)
                throw _file.Info.Error(root, $"structs nested by value more than {MaxChainLength} deep");
            stack.Add((inner, ContainedAggregates(inner), 0));
        }
    }

    /// <summary>The struct/union definitions an aggregate's members embed by value (through typedefs, qualifiers and arrays).</summary>
    private long[] ContainedAggregates(long aggregate)
    {
        var die = _file.ReadDie(aggregate);
        var result = new List<long>();
        foreach (var child in _file.Children(die))
        {
            if (child.Tag is not (DwarfTag.Member or DwarfTag.Inheritance)) continue;
            long current = TypeOffset(child);
            for (int links = 0; current >= 0; links++)
            {
                if (links > MaxChainLength) { CheckChain(TypeOffset(child)); break; }
                var target = _file.ReadDie(current, child.Offset);
                if (target.Tag is DwarfTag.StructureType or DwarfTag.ClassType or DwarfTag.UnionType)
                {
                    long definition = current;
                    if (target.Flag(DwarfAttribute.Declaration))
                    {
                        var space = target.Tag == DwarfTag.UnionType ? DwarfNameSpace.Union : DwarfNameSpace.Struct;
                        string name = _file.Name(target);
                        definition = name.Length > 0 && _catalog.Index.Rank(space, name) >= DwarfIndexBuilder.RankDefinition ? _catalog.Index.Find(space, name) : -1;
                    }
                    if (definition >= 0) result.Add(definition);
                    break;
                }
                if (!IsChain(target.Tag)) break;
                current = TypeOffset(target);
            }
        }
        return result.ToArray();
    }

    private string Describe(IEnumerable<long> offsets) => string.Join(" -> ", offsets.Select(o =>
    {
        var die = _file.ReadDie(o);
        var name = die.Has(DwarfAttribute.Name) ? $" '{_file.Name(die)}'" : "";
        return $"0x{o:x} ({DwarfNames.Tag(die.Tag)}{name})";
    }));

    private static ulong? Unsigned(DwarfDie die, DwarfAttribute name) =>
        die.TryGet(name, out var v) && v.IsConstant ? v.Value : null;

    private static long LittleEndian(ReadOnlySpan<byte> bytes)
    {
        ulong v = 0;
        for (int i = 0; i < bytes.Length && i < 8; i++) v |= (ulong)bytes[i] << (8 * i);
        return (long)v;
    }

    private InvalidDataException Malformed(DwarfDie die, string problem) => _file.Info.Error(die.Offset, $"{die.Describe()}: {problem}");
}
