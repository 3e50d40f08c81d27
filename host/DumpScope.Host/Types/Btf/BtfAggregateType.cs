namespace DumpScope.Host.Types.Btf;

/// <summary>
/// A BTF STRUCT or UNION. Members are decoded once, on first use. With kind_flag set each member's offset
/// word holds the bitfield size in its top 8 bits and the bit offset in the low 24; without it the word is
/// the bit offset and a bitfield shows as an INT type whose bit count is below its storage size.
/// </summary>
internal sealed class BtfAggregateType : BtfNamedType
{
    private TypeMember[]? _members;

    public BtfAggregateType(BtfTypeCatalog catalog, int id, TypeKind kind) : base(catalog, id)
    {
        Kind = kind;
        Size = Table.SizeOrType(id);
    }

    /// <inheritdoc/>
    public override TypeKind Kind { get; }

    /// <inheritdoc/>
    public override ulong Size { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<TypeMember> Members => Volatile.Read(ref _members) ?? Interlocked.CompareExchange(ref _members, Decode(), null) ?? _members!;

    private TypeMember[] Decode()
    {
        var table = Table;
        int count = table.Vlen(Id);
        bool kindFlag = table.KindFlag(Id);
        int at = table.ExtraOffset(Id);
        var members = new TypeMember[count];
        for (int i = 0; i < count; i++, at += 12)
        {
            uint nameOffset = table.U32(at);
            int typeId = (int)table.U32(at + 4);
            uint offsetWord = table.U32(at + 8);
            ulong bitOffset;
            uint bitSize;
            if (kindFlag)
            {
                bitOffset = offsetWord & 0xff_ffff;
                bitSize = offsetWord >> 24;
            }
            else
            {
                bitOffset = offsetWord;
                bitSize = 0;
                if (table.Kind(typeId) == BtfKind.Int && Catalog.Get(typeId) is BtfIntegerType integer &&
                    (integer.Bits != integer.Size * 8 || integer.BitOffset != 0))
                {
                    bitOffset += integer.BitOffset;
                    bitSize = integer.Bits;
                }
            }
            members[i] = new TypeMember(table.String(nameOffset), Catalog.Get(typeId), bitOffset, bitSize);
        }
        return members;
    }
}
