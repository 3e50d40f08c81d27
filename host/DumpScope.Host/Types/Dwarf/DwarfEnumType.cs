namespace DumpScope.Host.Types.Dwarf;

/// <summary>
/// A DW_TAG_enumeration_type with its enumerators (decoded when the type is made: enums are small). It is
/// signed when its underlying type (DW_AT_type) is, or, without one, when some value is negative.
/// </summary>
internal sealed class DwarfEnumType : DwarfType
{
    private readonly long _underlyingOffset;

    public DwarfEnumType(DwarfTypeCatalog catalog, long dieOffset, string name, ulong size, long underlyingOffset, EnumValue[] values, bool signed)
        : base(catalog, dieOffset)
    {
        Name = name;
        Size = size;
        _underlyingOffset = underlyingOffset;
        Enumerators = values;
        IsSigned = signed;
    }

    /// <inheritdoc/>
    public override TypeKind Kind => TypeKind.Enum;

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override ulong Size { get; }

    /// <inheritdoc/>
    public override bool IsSigned { get; }

    /// <summary>The underlying integer type, or null when the DWARF does not say.</summary>
    public override KernelType? Target => _underlyingOffset < 0 ? null : Catalog.Get(_underlyingOffset, DieOffset);

    /// <inheritdoc/>
    public override IReadOnlyList<EnumValue> Enumerators { get; }
}
