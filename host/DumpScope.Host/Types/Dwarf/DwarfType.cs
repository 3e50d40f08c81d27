namespace DumpScope.Host.Types.Dwarf;

/// <summary>Common part of the types materialised from DWARF: the catalog and the DIE they came from.</summary>
internal abstract class DwarfType : KernelType
{
    protected DwarfType(DwarfTypeCatalog catalog, long dieOffset)
    {
        Catalog = catalog;
        DieOffset = dieOffset;
    }

    /// <summary>The catalog that made this type.</summary>
    protected DwarfTypeCatalog Catalog { get; }

    /// <summary>Section offset of the DIE in .debug_info (what llvm-dwarfdump --debug-info=OFFSET shows).</summary>
    public long DieOffset { get; }
}
