namespace DumpScope.Host.Types.Dwarf;

/// <summary>A DW_TAG_subroutine_type: return type (void when absent), parameter types, and "..." when present.</summary>
internal sealed class DwarfFunctionType : DwarfType
{
    private readonly long _returnOffset;
    private readonly long[] _parameterOffsets;
    private KernelType[]? _parameters;

    public DwarfFunctionType(DwarfTypeCatalog catalog, long dieOffset, long returnOffset, long[] parameterOffsets, bool variadic) : base(catalog, dieOffset)
    {
        _returnOffset = returnOffset;
        _parameterOffsets = parameterOffsets;
        IsVariadic = variadic;
    }

    /// <inheritdoc/>
    public override TypeKind Kind => TypeKind.Function;

    /// <inheritdoc/>
    public override string Name => "";

    /// <inheritdoc/>
    public override ulong Size => 0;

    /// <inheritdoc/>
    public override KernelType Target => Catalog.Get(_returnOffset, DieOffset);

    /// <summary>True when the prototype ends in "...".</summary>
    public bool IsVariadic { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<KernelType> Parameters
    {
        get
        {
            var parameters = Volatile.Read(ref _parameters);
            if (parameters is not null) return parameters;
            parameters = _parameterOffsets.Select(p => Catalog.Get(p, DieOffset)).ToArray();
            return Interlocked.CompareExchange(ref _parameters, parameters, null) ?? parameters;
        }
    }
}
