namespace DumpScope.Sdk.Types;

/// <summary>Where a member path lands inside a type.</summary>
/// <param name="BitOffset">Offset from the start of the outer type, in bits.</param>
/// <param name="BitSize">Bitfield width, 0 when not a bitfield.</param>
/// <param name="Type">The member's type.</param>
public readonly record struct MemberLocation(ulong BitOffset, uint BitSize, KernelType Type)
{
    /// <summary>Byte offset of the member (of its first bit's byte for bitfields).</summary>
    public ulong Offset => BitOffset / 8;
}

/// <summary>Type look-ups shared by every source: C type expressions, member paths through anonymous members.</summary>
public static class TypeExtensions
{
    /// <summary>
    /// Resolves a C type expression: a name from <see cref="ITypeCatalog.FindType"/> followed by any number of
    /// '*' (e.g. "struct page *", "char **"). Throws <see cref="TypeNotFoundException"/> when unknown.
    /// </summary>
    public static KernelType Require(this ITypeCatalog catalog, string expression) =>
        catalog.TryParse(expression) ?? throw new TypeNotFoundException(NotKnown(catalog, $"type '{expression}'"));

    /// <summary>
    /// Why <paramref name="what"/> ("type 'struct task_struct'") cannot be had: unknown to the types loaded, or needed
    /// while the session has no types at all (then the catalog's source says why there are none and what supplies them).
    /// </summary>
    public static string NotKnown(ITypeCatalog catalog, string what) =>
        catalog.TypeNames.Any() ? $"{what} is not known to {catalog.Source}" : $"{what} is needed but the session has {catalog.Source}";

    /// <summary>Like <see cref="Require(ITypeCatalog, string)"/> but null when unknown.</summary>
    public static KernelType? TryParse(this ITypeCatalog catalog, string expression)
    {
        var text = expression.Trim();
        int stars = 0;
        while (text.EndsWith('*')) { stars++; text = text[..^1].TrimEnd(); }
        if (text.StartsWith("const ", StringComparison.Ordinal)) text = text[6..].TrimStart();
        var type = text == "void" ? VoidType.Instance : catalog.FindType(text) ?? StandardInteger(text);
        if (type is null) return null;
        for (int i = 0; i < stars; i++) type = new PointerType(type);
        return type;
    }

    /// <summary>
    /// The C integer spellings every kernel has, for sources that name them differently (BTF says
    /// "long unsigned int" for "unsigned long"): x86-64 LP64 sizes.
    /// </summary>
    public static KernelType? StandardInteger(string name) => name switch
    {
        "char" or "signed char" => new IntegerType(name, 1, true),
        "unsigned char" or "u8" or "bool" or "_Bool" => new IntegerType(name, 1, false),
        "short" or "short int" or "s16" => new IntegerType(name, 2, true),
        "unsigned short" or "short unsigned int" or "u16" => new IntegerType(name, 2, false),
        "int" or "signed int" or "s32" => new IntegerType(name, 4, true),
        "unsigned" or "unsigned int" or "u32" => new IntegerType(name, 4, false),
        "long" or "long int" or "long long" or "long long int" or "s64" => new IntegerType(name, 8, true),
        "unsigned long" or "long unsigned int" or "unsigned long long" or "long long unsigned int" or "u64" or "size_t" => new IntegerType(name, 8, false),
        _ => null,
    };

    /// <summary>True when the struct/union (after typedefs) has the member path.</summary>
    public static bool HasMember(this KernelType type, string path) => type.TryFindMember(path, out _);

    /// <summary>The location of a member path ("cpu_slab", "oo.x", "node[3]", "list.next"), or throws.</summary>
    public static MemberLocation FindMember(this KernelType type, string path) =>
        type.TryFindMember(path, out var location)
            ? location
            : throw new TypeNotFoundException($"{type.DisplayName} has no member '{path}'");

    /// <summary>
    /// Finds a member path. Plain names see through anonymous struct/union members as C does;
    /// "[n]" indexes arrays (also past the declared length: trailing arrays are often trimmed or flexible).
    /// </summary>
    public static bool TryFindMember(this KernelType type, string path, out MemberLocation location)
    {
        location = default;
        ulong bitOffset = 0;
        uint bitSize = 0;
        var current = type;
        int i = 0;
        while (i < path.Length)
        {
            if (path[i] == '.') { i++; continue; }
            if (path[i] == '[')
            {
                int close = path.IndexOf(']', i);
                if (close < 0 || !ulong.TryParse(path.AsSpan(i + 1, close - i - 1), NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
                    return false;
                var array = current.Resolve();
                if (array.Kind != TypeKind.Array || array.Target is null) return false;
                var element = array.Target;
                bitOffset += index * element.Size * 8;
                bitSize = 0;
                current = element;
                i = close + 1;
                continue;
            }
            int end = i;
            while (end < path.Length && path[end] != '.' && path[end] != '[') end++;
            var name = path[i..end];
            if (!TryFindDirect(current.Resolve(), name, 0, out var found, out var foundBitOffset)) return false;
            bitOffset += foundBitOffset;
            bitSize = found.BitSize;
            current = found.Type;
            i = end;
        }
        location = new MemberLocation(bitOffset, bitSize, current);
        return true;
    }

    private static bool TryFindDirect(KernelType aggregate, string name, int depth, out TypeMember member, out ulong bitOffset)
    {
        member = null!;
        bitOffset = 0;
        if (depth > 16 || aggregate.Kind is not (TypeKind.Struct or TypeKind.Union)) return false;
        foreach (var m in aggregate.Members)
        {
            if (m.Name == name)
            {
                member = m;
                bitOffset = m.BitOffset;
                return true;
            }
        }
        foreach (var m in aggregate.Members)
        {
            if (m.Name.Length == 0 && TryFindDirect(m.Type.Resolve(), name, depth + 1, out member, out var inner))
            {
                bitOffset = m.BitOffset + inner;
                return true;
            }
        }
        return false;
    }
}
