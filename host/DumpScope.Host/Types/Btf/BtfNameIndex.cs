using System.Runtime.InteropServices;

namespace DumpScope.Host.Types.Btf;

/// <summary>
/// Type ids by name, one slot per C namespace: ordinary identifiers (typedefs and base types), struct tags,
/// union tags, enum tags, variables and functions. Names are keyed by their string-section offset and looked
/// up by UTF-8 bytes, so building the index decodes no strings. When several records share a name the
/// complete definition wins over a declaration (FWD, or an ENUM without enumerators), then the first one;
/// every candidate is kept so callers can list them.
/// </summary>
internal sealed class BtfNameIndex
{
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

    private const int SpaceCount = 6;

    private readonly BtfTypeTable _table;
    private readonly Dictionary<uint, Slots> _names;
    private readonly Dictionary<uint, Slots>.AlternateLookup<ReadOnlySpan<byte>> _lookup;
    private readonly Dictionary<(Space, uint), List<int>> _duplicates = [];
    private readonly Dictionary<string, int> _canonicalIntegers = new(StringComparer.Ordinal);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public BtfNameIndex(BtfTypeTable table)
    {
        _table = table;
        var comparer = new BtfStringComparer(table);
        // Most records are named and names rarely repeat: sizing for all of them avoids rehashing.
        _names = new Dictionary<uint, Slots>(table.Count - table.FirstId + 1, comparer);
        _lookup = _names.GetAlternateLookup<ReadOnlySpan<byte>>();
        for (int id = table.FirstId; id < table.Count; id++)
        {
            uint nameOffset = table.NameOffset(id);
            if (nameOffset == 0) continue;
            var kind = table.Kind(id);
            Space space;
            switch (kind)
            {
                case BtfKind.Int or BtfKind.Float or BtfKind.Typedef: space = Space.Ordinary; break;
                case BtfKind.Struct: space = Space.Struct; break;
                case BtfKind.Union: space = Space.Union; break;
                case BtfKind.Fwd: space = table.KindFlag(id) ? Space.Union : Space.Struct; break;
                case BtfKind.Enum or BtfKind.Enum64: space = Space.Enum; break;
                case BtfKind.Var: space = Space.Variable; break;
                case BtfKind.Func: space = Space.Function; break;
                default: continue;
            }
            Add(space, nameOffset, id);
            if (kind == BtfKind.Int && CIntegerNames.Canonical(table.String(nameOffset)) is { } canonical)
                _canonicalIntegers.TryAdd(canonical, id);
        }
    }

    /// <summary>The preferred id for a name in a space, or 0.</summary>
    public int Find(Space space, string name)
    {
        if (!TryGetSlots(name, out var slots, out _)) return 0;
        return slots[(int)space];
    }

    /// <summary>Every id with the name in the space (the preferred one first).</summary>
    public IReadOnlyList<int> FindAll(Space space, string name)
    {
        if (!TryGetSlots(name, out var slots, out uint offset)) return [];
        int best = slots[(int)space];
        if (best == 0) return [];
        return _duplicates.TryGetValue((space, offset), out var all) ? [best, .. all.Where(id => id != best)] : [best];
    }

    /// <summary>An INT by any C spelling of it ("unsigned long" finds "long unsigned int"), or 0.</summary>
    public int FindInteger(string spelling) =>
        CIntegerNames.Canonical(spelling) is { } canonical ? _canonicalIntegers.GetValueOrDefault(canonical) : 0;

    /// <summary>Names in a space (decoded on demand).</summary>
    public IEnumerable<string> Names(Space space)
    {
        foreach (var (offset, slots) in _names)
            if (slots[(int)space] != 0) yield return _table.String(offset);
    }

    private bool TryGetSlots(string name, out Slots slots, out uint offset)
    {
        int max = Encoding.UTF8.GetMaxByteCount(name.Length);
        Span<byte> bytes = max <= 512 ? stackalloc byte[max] : new byte[max];
        int length = Encoding.UTF8.GetBytes(name, bytes);
        return _lookup.TryGetValue(bytes[..length], out offset, out slots);
    }

    private void Add(Space space, uint nameOffset, int id)
    {
        ref var slots = ref CollectionsMarshal.GetValueRefOrAddDefault(_names, nameOffset, out _);
        ref int slot = ref slots[(int)space];
        if (slot == 0)
        {
            slot = id;
            return;
        }
        // Duplicates are keyed by the offset of the name as first seen, which is the dictionary's key.
        uint key = FirstOffset(nameOffset);
        if (!_duplicates.TryGetValue((space, key), out var list))
            _duplicates[(space, key)] = list = [slot];
        list.Add(id);
        if (IsDeclarationOnly(slot) && !IsDeclarationOnly(id)) slot = id;
    }

    private uint FirstOffset(uint nameOffset) =>
        _lookup.TryGetValue(_table.StringBytes(nameOffset), out uint first, out _) ? first : nameOffset;

    private bool IsDeclarationOnly(int id) => _table.Kind(id) switch
    {
        BtfKind.Fwd => true,
        BtfKind.Enum or BtfKind.Enum64 => _table.Vlen(id) == 0,
        _ => false,
    };

    /// <summary>The id in each name space for one name (0 when none).</summary>
    [System.Runtime.CompilerServices.InlineArray(SpaceCount)]
    private struct Slots
    {
        private int _first;
    }
}
