namespace DumpScope.Host.Types.Btf;

/// <summary>Common part of the types materialised from BTF: the catalog, the type id and the lazily decoded name.</summary>
internal abstract class BtfNamedType : KernelType
{
    private string? _name;

    protected BtfNamedType(BtfTypeCatalog catalog, int id)
    {
        Catalog = catalog;
        Id = id;
    }

    /// <summary>The catalog that made this type.</summary>
    protected BtfTypeCatalog Catalog { get; }

    /// <summary>The BTF type id.</summary>
    public int Id { get; }

    /// <summary>The raw table.</summary>
    protected BtfTypeTable Table => Catalog.Table;

    /// <inheritdoc/>
    public override string Name => _name ??= Table.Name(Id);
}
