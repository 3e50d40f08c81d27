namespace DumpScope.Host.Types.Btf;

/// <summary>A BTF INT: size, signedness, and the char/bool encodings.</summary>
internal sealed class BtfIntegerType : BtfNamedType
{
    private const uint EncodingSigned = 1, EncodingChar = 2, EncodingBool = 4;

    public BtfIntegerType(BtfTypeCatalog catalog, int id) : base(catalog, id)
    {
        Size = Table.SizeOrType(id);
        uint encoding = Table.U32(Table.ExtraOffset(id));
        uint flags = (encoding >> 24) & 0x0f;
        IsSigned = (flags & EncodingSigned) != 0;
        IsChar = (flags & EncodingChar) != 0;
        IsBool = (flags & EncodingBool) != 0;
        Bits = encoding & 0xff;
        BitOffset = (encoding >> 16) & 0xff;
    }

    /// <inheritdoc/>
    public override TypeKind Kind => TypeKind.Integer;

    /// <inheritdoc/>
    public override ulong Size { get; }

    /// <inheritdoc/>
    public override bool IsSigned { get; }

    /// <summary>BTF_INT_CHAR: a character type.</summary>
    public bool IsChar { get; }

    /// <summary>BTF_INT_BOOL: _Bool.</summary>
    public bool IsBool { get; }

    /// <summary>Bits of value (less than Size × 8 for an old-style bitfield type).</summary>
    public uint Bits { get; }

    /// <summary>Bit offset of the value inside the storage (old-style bitfields).</summary>
    public uint BitOffset { get; }
}
