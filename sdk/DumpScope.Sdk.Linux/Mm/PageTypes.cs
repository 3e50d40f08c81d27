namespace DumpScope.Sdk.Linux.Mm;

/// <summary>
/// Page types: a page's <c>page_type</c> word (sharing storage with _mapcount) says buddy, offline, table, guard,
/// hugetlb, slab, … Two encodings, told apart by the kernel's <c>enum pagetype</c>:
/// since 6.12 the type is the top byte (PGTY_slab = 0xf5 …); from 4.17 to 6.11 a type is a
/// cleared bit under PAGE_TYPE_BASE (<c>(page_type &amp; (PAGE_TYPE_BASE | bit)) == PAGE_TYPE_BASE</c>), with the
/// bits in enum pagetype since 6.9 and the 4.17 #define values before it (not in BTF).
/// </summary>
public sealed class PageTypes
{
    private readonly (uint Value, string Name)[] _types;
    private readonly bool _topByte;
    private readonly uint _base;

    private PageTypes((uint, string)[] types, bool topByte, uint typeBase, string source)
    {
        _types = types;
        _topByte = topByte;
        _base = typeBase;
        Source = source;
    }

    /// <summary>Where the encoding came from.</summary>
    public string Source { get; }

    /// <summary>True when slab is a page type on this kernel (6.10+), rather than the PG_slab flag.</summary>
    public bool HasSlabType => _types.Any(t => t.Name == "slab");

    /// <summary>Probes the encoding from the kernel's types.</summary>
    public static PageTypes Probe(IKernel kernel)
    {
        if (kernel.Types.FindType("enum pagetype")?.Resolve() is { Kind: TypeKind.Enum } pagetype)
        {
            var values = pagetype.Enumerators;
            if (values.Any(e => e.Name.StartsWith("PGTY_", StringComparison.Ordinal)))
                return new PageTypes(values.Where(e => e.Name.StartsWith("PGTY_", StringComparison.Ordinal) && e.Name != "PGTY_mapcount_underflow")
                    .Select(e => ((uint)e.Value, e.Name[5..])).ToArray(), true, 0, "enum pagetype (PGTY_*, top byte)");
            uint typeBase = values.FirstOrDefault(e => e.Name == "PAGE_TYPE_BASE") is { Name: not null } b ? (uint)b.Value : 0xf000_0000;
            return new PageTypes(values.Where(e => e.Name.StartsWith("PG_", StringComparison.Ordinal))
                .Select(e => ((uint)e.Value, e.Name[3..])).ToArray(), false, typeBase, "enum pagetype (PG_*, cleared bits)");
        }
        // 4.17–6.8: #defines in include/linux/page-flags.h, stable values, absent from BTF.
        return new PageTypes([(0x80, "buddy"), (0x100, "offline"), (0x200, "table"), (0x400, "guard")], false, 0xf000_0000, "4.17 page type bits");
    }

    /// <summary>The type name ("buddy", "slab", …) a page_type word encodes, or null for none (a mapcount).</summary>
    public string? Decode(uint pageType)
    {
        if (_topByte)
        {
            uint top = pageType >> 24;
            foreach (var (value, name) in _types)
                if (value == top) return name;
            return null;
        }
        foreach (var (bit, name) in _types)
            if ((pageType & (_base | bit)) == _base) return name;
        return null;
    }
}
