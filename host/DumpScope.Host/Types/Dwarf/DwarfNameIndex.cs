namespace DumpScope.Host.Types.Dwarf;

/// <summary>
/// The name index of a DWARF file: for each name, the chosen DIE in each name space; every variable with a
/// static address; type-unit signatures. Built by <see cref="DwarfIndexBuilder"/> or read back from the
/// <see cref="DwarfIndexCache"/>. Immutable once made.
/// </summary>
internal sealed class DwarfNameIndex
{
    private readonly Dictionary<string, DwarfNameSlots> _names;
    private readonly Dictionary<ulong, long> _signatures;
    private Dictionary<string, string>? _canonicalIntegers;

    public DwarfNameIndex(Dictionary<string, DwarfNameSlots> names, DwarfVariable[] variables, Dictionary<ulong, long> signatures)
    {
        _names = names;
        Variables = variables;
        _signatures = signatures;
    }

    /// <summary>Every name with its slots (for the cache writer).</summary>
    public IReadOnlyDictionary<string, DwarfNameSlots> Names => _names;

    /// <summary>Variables with a static address, in .debug_info order (static ones may repeat a name).</summary>
    public DwarfVariable[] Variables { get; }

    /// <summary>Type-unit signatures → type DIE offsets.</summary>
    public IReadOnlyDictionary<ulong, long> Signatures => _signatures;

    /// <summary>The chosen DIE for a name in a space, or -1.</summary>
    public long Find(DwarfNameSpace space, string name) =>
        _names.TryGetValue(name, out var slots) ? slots.Offset(space) : -1;

    /// <summary>The rank of the chosen DIE (see <see cref="DwarfNameSlots"/>), 0 when none.</summary>
    public byte Rank(DwarfNameSpace space, string name) =>
        _names.TryGetValue(name, out var slots) ? slots.Rank(space) : (byte)0;

    /// <summary>The type unit's type DIE for a signature, or -1.</summary>
    public long FindSignature(ulong signature) => _signatures.TryGetValue(signature, out var offset) ? offset : -1;

    /// <summary>Names with an entry in a space.</summary>
    public IEnumerable<string> NamesIn(DwarfNameSpace space)
    {
        foreach (var (name, slots) in _names)
            if (slots.Rank(space) > 0) yield return name;
    }

    /// <summary>A base type by any C spelling ("unsigned long" finds "long unsigned int"), or null.</summary>
    public string? BaseTypeName(string spelling)
    {
        var canonical = Btf.CIntegerNames.Canonical(spelling);
        if (canonical is null) return null;
        var map = Volatile.Read(ref _canonicalIntegers);
        if (map is null)
        {
            map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, slots) in _names)
                if (slots.OrdinaryIsBaseType && Btf.CIntegerNames.Canonical(name) is { } key)
                    map.TryAdd(key, name);
            Volatile.Write(ref _canonicalIntegers, map);
        }
        return map.GetValueOrDefault(canonical);
    }

    /// <summary>Number of names.</summary>
    public int Count => _names.Count;
}
