namespace DumpScope.Host.Types.Dwarf;

/// <summary>A struct, union or enum declared (DW_AT_declaration) but defined nowhere in the file.</summary>
internal sealed class DwarfForwardType(DwarfTypeCatalog catalog, long dieOffset, string name, TypeKind declaredKind) : DwarfType(catalog, dieOffset)
{
    /// <inheritdoc/>
    public override TypeKind Kind => TypeKind.Forward;

    /// <inheritdoc/>
    public override string Name => name;

    /// <inheritdoc/>
    public override ulong Size => 0;

    /// <inheritdoc/>
    public override TypeKind DeclaredKind => declaredKind;
}
