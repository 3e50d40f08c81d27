namespace DumpScope.Testing.Types;

/// <summary>
/// A struct type built in a test from members (bit offsets), with <see cref="Add"/> (byte offsets) or with
/// <see cref="Append"/> (the next naturally aligned offset, growing the size as a C compiler would).
/// </summary>
public sealed class SyntheticStruct(string name, ulong size, params TypeMember[] members) : KernelType
{
    private readonly List<TypeMember> _members = [.. members];
    private ulong _size = size;

    /// <inheritdoc/>
    public override TypeKind Kind => TypeKind.Struct;

    /// <inheritdoc/>
    public override string Name => name;

    /// <inheritdoc/>
    public override ulong Size => _size;

    /// <inheritdoc/>
    public override IReadOnlyList<TypeMember> Members => _members;

    /// <summary>Adds a member at a byte offset.</summary>
    public SyntheticStruct Add(string member, KernelType type, ulong offset)
    {
        _members.Add(new TypeMember(member, type, offset * 8, 0));
        return this;
    }

    /// <summary>Adds a member after the last one at its natural alignment (at most 8); the size becomes a multiple of 8.</summary>
    public SyntheticStruct Append(string member, KernelType type)
    {
        ulong align = Math.Min(8UL, Math.Max(1UL, Alignment(type)));
        ulong offset = (_size + align - 1) / align * align;
        _members.Add(new TypeMember(member, type, offset * 8, 0));
        _size = (offset + type.Size + 7) / 8 * 8;
        return this;
    }

    private static ulong Alignment(KernelType type)
    {
        var t = type.Resolve();
        return t.Kind switch
        {
            TypeKind.Array => Alignment(t.Target!),
            TypeKind.Struct or TypeKind.Union => t.Members.Count == 0 ? 1 : t.Members.Max(m => Alignment(m.Type)),
            _ => t.Size,
        };
    }
}
