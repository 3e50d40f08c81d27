namespace DumpScope.Host.Types.Btf;

/// <summary>
/// A BTF type that refers to one other type: PTR, TYPEDEF, CONST, VOLATILE, RESTRICT. The target is
/// materialised on first use; sizes follow the target (pointers are the catalog's pointer size).
/// </summary>
internal sealed class BtfReferenceType : BtfNamedType
{
    private readonly int _targetId;

    public BtfReferenceType(BtfTypeCatalog catalog, int id, TypeKind kind) : base(catalog, id)
    {
        Kind = kind;
        _targetId = (int)Table.SizeOrType(id);
    }

    /// <inheritdoc/>
    public override TypeKind Kind { get; }

    /// <inheritdoc/>
    public override string Name => Kind == TypeKind.Typedef ? base.Name : "";

    /// <inheritdoc/>
    public override KernelType Target => Catalog.Get(_targetId);

    /// <inheritdoc/>
    public override ulong Size => Kind == TypeKind.Pointer ? Catalog.PointerSize : Target.Size;

    /// <inheritdoc/>
    public override bool IsSigned => Kind != TypeKind.Pointer && Target.IsSigned;
}
