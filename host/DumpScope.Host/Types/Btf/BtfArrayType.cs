namespace DumpScope.Host.Types.Btf;

/// <summary>A BTF ARRAY: element type and count (0 for a flexible array member).</summary>
internal sealed class BtfArrayType : BtfNamedType
{
    private readonly int _elementId;

    public BtfArrayType(BtfTypeCatalog catalog, int id) : base(catalog, id)
    {
        int extra = Table.ExtraOffset(id);
        _elementId = (int)Table.U32(extra);
        ArrayLength = Table.U32(extra + 8);
    }

    /// <inheritdoc/>
    public override TypeKind Kind => TypeKind.Array;

    /// <inheritdoc/>
    public override string Name => "";

    /// <inheritdoc/>
    public override KernelType Target => Catalog.Get(_elementId);

    /// <inheritdoc/>
    public override ulong ArrayLength { get; }

    /// <inheritdoc/>
    public override ulong Size => Target.Size * ArrayLength;
}
