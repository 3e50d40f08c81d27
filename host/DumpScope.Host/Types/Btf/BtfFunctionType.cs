namespace DumpScope.Host.Types.Btf;

/// <summary>A BTF FUNC_PROTO: return type and parameters; a last parameter of type 0 marks "...".</summary>
internal sealed class BtfFunctionType : BtfNamedType
{
    private readonly int _returnId;
    private KernelType[]? _parameters;
    private string[]? _parameterNames;

    public BtfFunctionType(BtfTypeCatalog catalog, int id) : base(catalog, id)
    {
        _returnId = (int)Table.SizeOrType(id);
        int count = Table.Vlen(id);
        IsVariadic = count > 0 && Table.U32(Table.ExtraOffset(id) + (count - 1) * 8 + 4) == 0;
    }

    /// <inheritdoc/>
    public override TypeKind Kind => TypeKind.Function;

    /// <inheritdoc/>
    public override string Name => "";

    /// <inheritdoc/>
    public override ulong Size => 0;

    /// <inheritdoc/>
    public override KernelType Target => Catalog.Get(_returnId);

    /// <summary>True when the prototype ends in "...".</summary>
    public bool IsVariadic { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<KernelType> Parameters => Volatile.Read(ref _parameters) ?? Interlocked.CompareExchange(ref _parameters, DecodeTypes(), null) ?? _parameters!;

    /// <summary>Parameter names, "" where BTF has none.</summary>
    public IReadOnlyList<string> ParameterNames => Volatile.Read(ref _parameterNames) ?? Interlocked.CompareExchange(ref _parameterNames, DecodeNames(), null) ?? _parameterNames!;

    private int FixedCount => Table.Vlen(Id) - (IsVariadic ? 1 : 0);

    private KernelType[] DecodeTypes()
    {
        var result = new KernelType[FixedCount];
        int at = Table.ExtraOffset(Id);
        for (int i = 0; i < result.Length; i++) result[i] = Catalog.Get((int)Table.U32(at + i * 8 + 4));
        return result;
    }

    private string[] DecodeNames()
    {
        var result = new string[FixedCount];
        int at = Table.ExtraOffset(Id);
        for (int i = 0; i < result.Length; i++) result[i] = Table.String(Table.U32(at + i * 8));
        return result;
    }
}
