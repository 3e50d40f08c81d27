namespace DumpScope.Host.Types.Btf;

/// <summary>
/// Type ids by name, one table per C namespace: ordinary identifiers (typedefs and base types), struct tags,
/// union tags, enum tags, variables and functions. When several records share a name the complete
/// definition wins over a declaration (FWD, or an ENUM without enumerators), then the first one; every
/// candidate is kept so callers can list them.
/// </summary>
internal sealed class BtfNameIndex
{
    private readonly BtfTypeTable _table;
    private readonly Dictionary<string, int> _canonicalIntegers = new(StringComparer.Ordinal);
    private readonly Dictionary<(Space, string), List<int>> _duplicates = [];

    /// <summary>Name spaces.</summary>
    public enum Space
    {
        /// <summary>typedef, INT and FLOAT names.</summary>
        Ordinary,
        /// <summary>struct tags.</summary>
        Struct,
        /// <summary>union tags.</summary>
        Union,
        /// <summary>enum tags.</summary>
        Enum,
        /// <summary>VAR names.</summary>
        Variable,
        /// <summary>FUNC names.</summary>
        Function,
    }

    private readonly Dictionary<string, int>[] _spaces;

    public BtfNameIndex(BtfTypeTable table)
    {
        _table = table;
        _spaces = new Dictionary<string, int>[6];
        for (int i = 0; i < _spaces.Length; i++) _spaces[i] = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 1; id < table.Count; id++)
        {
            uint nameOffset = table.NameOffset(id);
            if (nameOffset == 0) continue;
            var kind = table.Kind(id);
            Space? space = kind switch
            {
                BtfKind.Int or BtfKind.Float or BtfKind.Typedef => Space.Ordinary,
                BtfKind.Struct => Space.Struct,
                BtfKind.Union => Space.Union,
                BtfKind.Fwd => table.KindFlag(id) ? Space.Union : Space.Struct,
                BtfKind.Enum or BtfKind.Enum64 => Space.Enum,
                BtfKind.Var => Space.Variable,
                BtfKind.Func => Space.Function,
                _ => null,
            };
            if (space is not { } s) continue;
            var name = table.String(nameOffset);
            Add(s, name, id);
            if (kind == BtfKind.Int && CIntegerNames.Canonical(name) is { } canonical)
                _canonicalIntegers.TryAdd(canonical, id);
        }
    }

    /// <summary>The preferred id for a name in a space, or 0.</summary>
    public int Find(Space space, string name) => _spaces[(int)space].GetValueOrDefault(name);

    /// <summary>Every id with the name in the space (the preferred one first).</summary>
    public IReadOnlyList<int> FindAll(Space space, string name)
    {
        if (_duplicates.TryGetValue((space, name), out var all))
        {
            int best = Find(space, name);
            return [best, .. all.Where(id => id != best)];
        }
        int only = Find(space, name);
        return only == 0 ? [] : [only];
    }

    /// <summary>An INT by any C spelling of it ("unsigned long" finds "long unsigned int"), or 0.</summary>
    public int FindInteger(string spelling) =>
        CIntegerNames.Canonical(spelling) is { } canonical ? _canonicalIntegers.GetValueOrDefault(canonical) : 0;

    /// <summary>Names in a space.</summary>
    public IEnumerable<string> Names(Space space) => _spaces[(int)space].Keys;

    private void Add(Space space, string name, int id)
    {
        var map = _spaces[(int)space];
        if (!map.TryGetValue(name, out int existing))
        {
            map.Add(name, id);
            return;
        }
        if (!_duplicates.TryGetValue((space, name), out var list))
            _duplicates[(space, name)] = list = [existing];
        list.Add(id);
        if (IsDeclarationOnly(existing) && !IsDeclarationOnly(id)) map[name] = id;
    }

    private bool IsDeclarationOnly(int id) => _table.Kind(id) switch
    {
        BtfKind.Fwd => true,
        BtfKind.Enum or BtfKind.Enum64 => _table.Vlen(id) == 0,
        _ => false,
    };
}
