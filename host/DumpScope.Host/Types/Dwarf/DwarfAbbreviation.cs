namespace DumpScope.Host.Types.Dwarf;

/// <summary>
/// An abbreviation declaration: the tag, whether DIEs using it have children, and their attributes in order.
/// <see cref="FixedSize"/> lets a reader step over a DIE whose forms all have a fixed size without decoding it.
/// </summary>
internal sealed class DwarfAbbreviation
{
    private readonly DwarfAttributeSpec[] _specs;
    private readonly int _start;
    private readonly int _count;

    /// <summary>A declaration whose attributes are <paramref name="count"/> entries of <paramref name="specs"/> from <paramref name="start"/> (a table shares one array).</summary>
    public DwarfAbbreviation(ulong code, DwarfTag tag, bool hasChildren, DwarfAttributeSpec[] specs, int start, int count, int fixedSize, long offset)
    {
        Code = code;
        Tag = tag;
        HasChildren = hasChildren;
        _specs = specs;
        _start = start;
        _count = count;
        FixedSize = fixedSize;
        Offset = offset;
        foreach (var a in Attributes)
            if (a.Name == DwarfAttribute.Sibling) HasSibling = true;
    }

    /// <summary>The abbreviation code DIEs refer to.</summary>
    public ulong Code { get; }

    /// <summary>DW_TAG_*.</summary>
    public DwarfTag Tag { get; }

    /// <summary>DW_CHILDREN_yes.</summary>
    public bool HasChildren { get; }

    /// <summary>The attribute specifications, in the order their values follow the code.</summary>
    public ReadOnlySpan<DwarfAttributeSpec> Attributes => new(_specs, _start, _count);

    /// <summary>Bytes of attribute values when every form has a fixed size in the unit, else -1.</summary>
    public int FixedSize { get; }

    /// <summary>True when the DIE carries DW_AT_sibling.</summary>
    public bool HasSibling { get; }

    /// <summary>Where the declaration starts in .debug_abbrev (for messages).</summary>
    public long Offset { get; }
}
