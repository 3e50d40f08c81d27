namespace DumpScope.Host.Types.Btf;

/// <summary>A BTF FWD: a struct or union declared but not defined in this BTF.</summary>
internal sealed class BtfForwardType(BtfTypeCatalog catalog, int id) : BtfNamedType(catalog, id)
{
    /// <inheritdoc/>
    public override TypeKind Kind => TypeKind.Forward;

    /// <inheritdoc/>
    public override ulong Size => 0;

    /// <summary>True when the declaration is of a union (kind_flag), false for a struct.</summary>
    public bool IsUnion { get; } = catalog.Table.KindFlag(id);

    /// <inheritdoc/>
    public override TypeKind DeclaredKind => IsUnion ? TypeKind.Union : TypeKind.Struct;
}
