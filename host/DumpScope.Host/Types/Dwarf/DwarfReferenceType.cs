namespace DumpScope.Host.Types.Dwarf;

/// <summary>
/// A type that refers to one other: pointer (and C++ references), typedef, const, volatile, restrict. The
/// target is materialised on first use; a missing DW_AT_type means void.
/// </summary>
internal sealed class DwarfReferenceType : DwarfType
{
    private readonly long _targetOffset;
    private readonly ulong _pointerSize;

    public DwarfReferenceType(DwarfTypeCatalog catalog, long dieOffset, TypeKind kind, string name, long targetOffset, ulong pointerSize)
        : base(catalog, dieOffset)
    {
        Kind = kind;
        Name = kind == TypeKind.Typedef ? name : "";
        _targetOffset = targetOffset;
        _pointerSize = pointerSize;
    }

    /// <inheritdoc/>
    public override TypeKind Kind { get; }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override KernelType Target => Catalog.Get(_targetOffset, DieOffset);

    /// <inheritdoc/>
    public override ulong Size => Kind == TypeKind.Pointer ? _pointerSize : Target.Size;

    /// <inheritdoc/>
    public override bool IsSigned => Kind != TypeKind.Pointer && Target.IsSigned;
}
