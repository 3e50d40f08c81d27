namespace DumpScope.Host.Types.Dwarf;

/// <summary>A DW_TAG_base_type: an integer, character, boolean or floating-point type of a given size.</summary>
internal sealed class DwarfBaseType : DwarfType
{
    /// <summary>DW_ATE_* encodings that matter here.</summary>
    public const int AteBoolean = 0x02, AteComplexFloat = 0x03, AteFloat = 0x04, AteSigned = 0x05, AteSignedChar = 0x06,
        AteUnsigned = 0x07, AteUnsignedChar = 0x08, AteSignedFixed = 0x0d, AteDecimalFloat = 0x0f;

    public DwarfBaseType(DwarfTypeCatalog catalog, long dieOffset, string name, ulong size, int encoding) : base(catalog, dieOffset)
    {
        Name = name;
        Size = size;
        Encoding = encoding;
        Kind = encoding is AteFloat or AteComplexFloat or AteDecimalFloat ? TypeKind.Float : TypeKind.Integer;
        IsSigned = encoding is AteSigned or AteSignedChar or AteSignedFixed;
    }

    /// <inheritdoc/>
    public override TypeKind Kind { get; }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override ulong Size { get; }

    /// <inheritdoc/>
    public override bool IsSigned { get; }

    /// <summary>DW_AT_encoding.</summary>
    public int Encoding { get; }
}
