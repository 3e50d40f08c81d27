namespace DumpScope.Host.Types.Dwarf;

/// <summary>
/// A DW_TAG_array_type. Each DW_TAG_subrange_type child is one dimension: <c>int a[2][3]</c> is an array of
/// 2 arrays of 3 ints, so dimension <c>d</c> has the element type "dimension d + 1". A dimension without
/// count or upper bound (a flexible array member) has length 0.
/// </summary>
internal sealed class DwarfArrayType : DwarfType
{
    private readonly long _elementOffset;
    private readonly ulong[] _lengths;
    private readonly int _dimension;
    private KernelType? _target;

    public DwarfArrayType(DwarfTypeCatalog catalog, long dieOffset, long elementOffset, ulong[] lengths, int dimension) : base(catalog, dieOffset)
    {
        _elementOffset = elementOffset;
        _lengths = lengths;
        _dimension = dimension;
    }

    /// <inheritdoc/>
    public override TypeKind Kind => TypeKind.Array;

    /// <inheritdoc/>
    public override string Name => "";

    /// <inheritdoc/>
    public override ulong ArrayLength => _lengths[_dimension];

    /// <inheritdoc/>
    public override KernelType Target
    {
        get
        {
            var target = Volatile.Read(ref _target);
            if (target is not null) return target;
            target = _dimension + 1 < _lengths.Length
                ? new DwarfArrayType(Catalog, DieOffset, _elementOffset, _lengths, _dimension + 1)
                : Catalog.Get(_elementOffset, DieOffset);
            return Interlocked.CompareExchange(ref _target, target, null) ?? target;
        }
    }

    /// <inheritdoc/>
    public override ulong Size => Target.Size * ArrayLength;
}
