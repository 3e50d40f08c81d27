namespace DumpScope.Sdk.Linux.Objects;

/// <summary>A member a <see cref="StructLayout"/> found: the spelling that matched and where it is.</summary>
/// <param name="Path">The member path as this kernel spells it ("__state", "pid_links[0]").</param>
/// <param name="Location">Its offset, bitfield width and type.</param>
public sealed record ProbedMember(string Path, MemberLocation Location)
{
    /// <summary>Byte offset from the start of the struct.</summary>
    public ulong Offset => Location.Offset;

    /// <summary>The member's type.</summary>
    public KernelType Type => Location.Type;

    /// <summary>Width in bytes (the whole size for arrays and structs).</summary>
    public ulong Size => Location.Type.Resolve().Size;

    /// <summary>One past the member's last byte.</summary>
    public ulong End => Offset + (IsBitfield ? ((Location.BitOffset % 8) + Location.BitSize + 7) / 8 : Size);

    /// <summary>True for a bitfield.</summary>
    public bool IsBitfield => Location.BitSize != 0;

    /// <summary>True for an integer, enum or pointer of 1, 2, 4 or 8 bytes that is not a bitfield.</summary>
    public bool IsScalar => !IsBitfield && Location.Type.Resolve() is { Kind: TypeKind.Integer or TypeKind.Enum or TypeKind.Pointer, Size: 1 or 2 or 4 or 8 };
}
