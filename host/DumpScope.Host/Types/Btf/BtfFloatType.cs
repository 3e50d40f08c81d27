namespace DumpScope.Host.Types.Btf;

/// <summary>A BTF FLOAT.</summary>
internal sealed class BtfFloatType(BtfTypeCatalog catalog, int id) : BtfNamedType(catalog, id)
{
    /// <inheritdoc/>
    public override TypeKind Kind => TypeKind.Float;

    /// <inheritdoc/>
    public override ulong Size { get; } = catalog.Table.SizeOrType(id);
}
