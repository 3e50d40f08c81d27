namespace DumpScope.Host.Types.Dwarf;

/// <summary>A decoded debugging information entry: its unit, abbreviation and attribute values.</summary>
internal sealed class DwarfDie(long offset, DwarfUnit unit, DwarfAbbreviation abbreviation, DwarfAttributeValue[] values, long end)
{
    /// <summary>Section offset of the DIE.</summary>
    public long Offset { get; } = offset;

    /// <summary>The unit it belongs to.</summary>
    public DwarfUnit Unit { get; } = unit;

    /// <summary>Its abbreviation.</summary>
    public DwarfAbbreviation Abbreviation { get; } = abbreviation;

    /// <summary>The attribute values, in abbreviation order.</summary>
    public DwarfAttributeValue[] Values { get; } = values;

    /// <summary>Section offset just past the attributes (the first child when <see cref="HasChildren"/>).</summary>
    public long End { get; } = end;

    /// <summary>DW_TAG_*.</summary>
    public DwarfTag Tag => Abbreviation.Tag;

    /// <summary>True when children follow.</summary>
    public bool HasChildren => Abbreviation.HasChildren;

    /// <summary>The value of an attribute, when present.</summary>
    public bool TryGet(DwarfAttribute name, out DwarfAttributeValue value)
    {
        foreach (var v in Values)
        {
            if (v.Name == name)
            {
                value = v;
                return true;
            }
        }
        value = default;
        return false;
    }

    /// <summary>True when the attribute is present.</summary>
    public bool Has(DwarfAttribute name) => TryGet(name, out _);

    /// <summary>A flag attribute (absent = false).</summary>
    public bool Flag(DwarfAttribute name) => TryGet(name, out var v) && v.Value != 0;

    /// <summary>"DW_TAG 0x13 at 0x1234" for messages.</summary>
    public string Describe() => $"DIE 0x{Offset:x} ({DwarfNames.Tag(Tag)})";
}
