namespace DumpScope.Host.Types.Dwarf;

/// <summary>A struct, class or union definition. Members are decoded on first use (see <see cref="DwarfTypeReader.Members"/>).</summary>
internal sealed class DwarfAggregateType : DwarfType
{
    private TypeMember[]? _members;

    public DwarfAggregateType(DwarfTypeCatalog catalog, long dieOffset, TypeKind kind, string name, ulong size) : base(catalog, dieOffset)
    {
        Kind = kind;
        Name = name;
        Size = size;
    }

    /// <inheritdoc/>
    public override TypeKind Kind { get; }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override ulong Size { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<TypeMember> Members
    {
        get
        {
            var members = Volatile.Read(ref _members);
            if (members is not null) return members;
            members = Catalog.Reader.Members(this);
            return Interlocked.CompareExchange(ref _members, members, null) ?? members;
        }
    }
}
