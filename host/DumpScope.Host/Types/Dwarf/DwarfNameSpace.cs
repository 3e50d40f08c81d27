namespace DumpScope.Host.Types.Dwarf;

/// <summary>The C name spaces the index keeps apart: struct, union and enum tags, ordinary type names, variables.</summary>
internal enum DwarfNameSpace
{
    /// <summary>struct (and class) tags.</summary>
    Struct,
    /// <summary>union tags.</summary>
    Union,
    /// <summary>enum tags.</summary>
    Enum,
    /// <summary>typedef and base type names.</summary>
    Ordinary,
    /// <summary>global variables.</summary>
    Variable,
}
