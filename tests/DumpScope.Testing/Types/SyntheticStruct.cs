namespace DumpScope.Testing.Types;

/// <summary>A struct type built in a test from members (bit offsets) or with <see cref="Add"/> (byte offsets).</summary>
public sealed class SyntheticStruct(string name, ulong size, params TypeMember[] members) : KernelType
{
    private readonly List<TypeMember> _members = [.. members];

    /// <inheritdoc/>
    public override TypeKind Kind => TypeKind.Struct;

    /// <inheritdoc/>
    public override string Name => name;

    /// <inheritdoc/>
    public override ulong Size => size;

    /// <inheritdoc/>
    public override IReadOnlyList<TypeMember> Members => _members;

    /// <summary>Adds a member at a byte offset.</summary>
    public SyntheticStruct Add(string member, KernelType type, ulong offset)
    {
        _members.Add(new TypeMember(member, type, offset * 8, 0));
        return this;
    }
}
