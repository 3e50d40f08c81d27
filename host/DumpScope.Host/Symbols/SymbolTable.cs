namespace DumpScope.Host.Symbols;

/// <summary>
/// Symbols from one source held in an array sorted by address: exact names through a dictionary, addresses
/// through binary search. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// Without symbol sizes, "nearest symbol below" would name any address at all (a direct-map pointer would
/// become the last per-cpu symbol plus 2^64-ish). So a lookup fails when the address falls in a gap wider than
/// <see cref="MaxSymbolGap"/> (the per-cpu area sits at small absolute addresses, the image at the top of
/// the address space) or past the last symbol, and lies more than <see cref="MaxTrailingOffset"/> beyond the
/// symbol below it.
/// Where a name occurs more than once (static functions), the name look-up gives the global one, else the
/// one at the lowest address; at one address with several names, the address look-up gives the first global.
/// </remarks>
public sealed class SymbolTable : ISymbolTable
{
    /// <summary>Widest gap between neighbouring symbols that a lookup still attributes to the lower one.</summary>
    public const ulong MaxSymbolGap = 1UL << 30;

    /// <summary>Farthest past the last symbol that a lookup still attributes to it.</summary>
    public const ulong MaxTrailingOffset = 16UL << 20;

    private readonly KernelSymbol[] _symbols;
    private readonly ulong[] _addresses;
    private readonly Dictionary<string, int> _byName;

    /// <summary>Creates a table from symbols in any order.</summary>
    /// <param name="source">Where the symbols came from, for messages.</param>
    /// <param name="symbols">The symbols; sorted here by address (stable, so equal addresses keep their order).</param>
    public SymbolTable(string source, IEnumerable<KernelSymbol> symbols)
        : this(source, symbols.ToArray())
    {
    }

    // Takes ownership of the array (sorted in place of a copy only when out of order). Runs once per source
    // over ~10^5 symbols: compiled optimized at once rather than in tier-0 code.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private SymbolTable(string source, KernelSymbol[] array)
    {
        Source = source;
        var keys = new ulong[array.Length];
        for (int i = 0; i < array.Length; i++) keys[i] = array[i].Address;
        if (!IsSorted(keys)) array = StableSort(array, keys);
        _symbols = array;
        _addresses = keys;
        _byName = new Dictionary<string, int>(array.Length, StringComparer.Ordinal);
        for (int i = 0; i < array.Length; i++)
        {
            ref readonly var symbol = ref array[i];
            if (!_byName.TryGetValue(symbol.Name, out var existing) || (!IsGlobal(array[existing].Type) && IsGlobal(symbol.Type)))
                _byName[symbol.Name] = i;
        }
    }

    /// <summary>A table over <paramref name="symbols"/> without copying it; the caller must not touch the array afterwards.</summary>
    internal static SymbolTable FromOwnedArray(string source, KernelSymbol[] symbols) => new(source, symbols);

    /// <inheritdoc/>
    public string Source { get; }

    /// <inheritdoc/>
    public int Count => _symbols.Length;

    /// <inheritdoc/>
    public IEnumerable<KernelSymbol> All => _symbols;

    /// <summary>The symbols in address order, without copying.</summary>
    public ReadOnlySpan<KernelSymbol> Symbols => _symbols;

    /// <inheritdoc/>
    public bool TryGetAddress(string name, out ulong address)
    {
        if (_byName.TryGetValue(name, out var index))
        {
            address = _symbols[index].Address;
            return true;
        }
        address = 0;
        return false;
    }

    /// <summary>The symbol by exact name (see the remarks for duplicates).</summary>
    public bool TryGetSymbol(string name, out KernelSymbol symbol)
    {
        if (_byName.TryGetValue(name, out var index))
        {
            symbol = _symbols[index];
            return true;
        }
        symbol = default;
        return false;
    }

    /// <inheritdoc/>
    public SymbolMatch? Lookup(ulong address)
    {
        // Last index whose address is <= the target.
        int lo = 0, hi = _addresses.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (_addresses[mid] <= address) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        if (found < 0) return null;
        ulong at = _addresses[found];
        bool inBoundedGap = found + 1 < _addresses.Length && _addresses[found + 1] - at <= MaxSymbolGap;
        if (!inBoundedGap && address - at > MaxTrailingOffset) return null;

        int first = found;
        while (first > 0 && _addresses[first - 1] == at) first--;
        int pick = first;
        for (int i = first; i <= found; i++)
            if (IsGlobal(_symbols[i].Type)) { pick = i; break; }
        // A syscall without arguments has one body under two global names, __ia32_sys_X and __x64_sys_X (and a local
        // __do_sys_X); crash names the frame __x64_sys_X, the native entry, and so does this.
        if (_symbols[pick].Name.StartsWith("__ia32_", StringComparison.Ordinal))
            for (int i = pick + 1; i <= found; i++)
                if (IsGlobal(_symbols[i].Type) && _symbols[i].Name.StartsWith("__x64_", StringComparison.Ordinal)) { pick = i; break; }
        return new SymbolMatch(_symbols[pick], address - at);
    }

    /// <inheritdoc/>
    public override string ToString() => Source;

    private static bool IsGlobal(char type) => char.IsAsciiLetterUpper(type);

    // Sorts keys (in place) and returns the symbols in the same order; equal keys keep their input order.
    private static KernelSymbol[] StableSort(KernelSymbol[] array, ulong[] keys)
    {
        var order = new int[array.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(keys, order);
        // Array.Sort is not stable: put each run of equal addresses back in input order.
        for (int start = 0; start < keys.Length;)
        {
            int end = start + 1;
            while (end < keys.Length && keys[end] == keys[start]) end++;
            if (end - start > 1) Array.Sort(order, start, end - start);
            start = end;
        }
        var sorted = new KernelSymbol[array.Length];
        for (int i = 0; i < order.Length; i++) sorted[i] = array[order[i]];
        return sorted;
    }

    private static bool IsSorted(ulong[] keys)
    {
        for (int i = 1; i < keys.Length; i++)
            if (keys[i] < keys[i - 1]) return false;
        return true;
    }
}
