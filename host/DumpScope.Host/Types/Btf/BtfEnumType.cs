namespace DumpScope.Host.Types.Btf;

/// <summary>
/// A BTF ENUM (32-bit values) or ENUM64. kind_flag says the values are signed; otherwise they are unsigned
/// (64-bit ones kept as their bit pattern), which matches how an unsigned read of the same memory compares.
/// </summary>
internal sealed class BtfEnumType : BtfNamedType
{
    private readonly bool _is64;
    private EnumValue[]? _values;

    public BtfEnumType(BtfTypeCatalog catalog, int id, bool is64) : base(catalog, id)
    {
        _is64 = is64;
        Size = Table.SizeOrType(id);
        IsSigned = Table.KindFlag(id);
    }

    /// <inheritdoc/>
    public override TypeKind Kind => TypeKind.Enum;

    /// <inheritdoc/>
    public override ulong Size { get; }

    /// <inheritdoc/>
    public override bool IsSigned { get; }

    /// <summary>True for a declaration without enumerators (how BTF spells a forward-declared enum).</summary>
    public bool IsDeclarationOnly => Table.Vlen(Id) == 0;

    /// <inheritdoc/>
    public override IReadOnlyList<EnumValue> Enumerators => Volatile.Read(ref _values) ?? Interlocked.CompareExchange(ref _values, Decode(), null) ?? _values!;

    private EnumValue[] Decode()
    {
        var table = Table;
        int count = table.Vlen(Id);
        int at = table.ExtraOffset(Id);
        var values = new EnumValue[count];
        for (int i = 0; i < count; i++)
        {
            string name = table.String(table.U32(at));
            long value;
            if (_is64)
            {
                ulong raw = table.U32(at + 4) | ((ulong)table.U32(at + 8) << 32);
                value = (long)raw;
                at += 12;
            }
            else
            {
                uint raw = table.U32(at + 4);
                value = IsSigned ? (int)raw : raw;
                at += 8;
            }
            values[i] = new EnumValue(name, value);
        }
        return values;
    }
}
