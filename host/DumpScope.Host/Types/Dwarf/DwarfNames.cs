namespace DumpScope.Host.Types.Dwarf;

/// <summary>Spells tags for messages the way DWARF tools print them.</summary>
internal static class DwarfNames
{
    /// <summary>"DW_TAG_structure_type", or the number for tags this reader does not name.</summary>
    public static string Tag(DwarfTag tag) => tag switch
    {
        DwarfTag.ArrayType => "DW_TAG_array_type",
        DwarfTag.ClassType => "DW_TAG_class_type",
        DwarfTag.EnumerationType => "DW_TAG_enumeration_type",
        DwarfTag.FormalParameter => "DW_TAG_formal_parameter",
        DwarfTag.Member => "DW_TAG_member",
        DwarfTag.PointerType => "DW_TAG_pointer_type",
        DwarfTag.ReferenceType => "DW_TAG_reference_type",
        DwarfTag.CompileUnit => "DW_TAG_compile_unit",
        DwarfTag.StructureType => "DW_TAG_structure_type",
        DwarfTag.SubroutineType => "DW_TAG_subroutine_type",
        DwarfTag.Typedef => "DW_TAG_typedef",
        DwarfTag.UnionType => "DW_TAG_union_type",
        DwarfTag.SubrangeType => "DW_TAG_subrange_type",
        DwarfTag.BaseType => "DW_TAG_base_type",
        DwarfTag.ConstType => "DW_TAG_const_type",
        DwarfTag.Enumerator => "DW_TAG_enumerator",
        DwarfTag.Subprogram => "DW_TAG_subprogram",
        DwarfTag.Variable => "DW_TAG_variable",
        DwarfTag.VolatileType => "DW_TAG_volatile_type",
        DwarfTag.RestrictType => "DW_TAG_restrict_type",
        DwarfTag.AtomicType => "DW_TAG_atomic_type",
        DwarfTag.UnspecifiedType => "DW_TAG_unspecified_type",
        DwarfTag.TypeUnit => "DW_TAG_type_unit",
        _ => $"DW_TAG 0x{(int)tag:x}",
    };
}
