using DumpScope.Sdk.Symbols;

namespace DumpScope.Host.Symbols;

/// <summary>
/// Several symbol sources in order of trust (kallsyms in the dump, then System.map, then vmlinux .symtab).
/// A name is answered by the first source that has it; an address by the source whose nearest symbol is
/// closest (the first source wins a tie), which is what one merged, sorted array would give.
/// </summary>
public sealed class CompositeSymbolTable : ISymbolTable
{
    private readonly ISymbolTable[] _sources;
    private readonly Lazy<KernelSymbol[]> _merged;

    /// <summary>Creates the composite; at least one source.</summary>
    public CompositeSymbolTable(IEnumerable<ISymbolTable> sources)
    {
        _sources = sources.ToArray();
        if (_sources.Length == 0) throw new ArgumentException("a composite needs at least one symbol source", nameof(sources));
        _merged = new Lazy<KernelSymbol[]>(Merge, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The sources, most trusted first.</summary>
    public IReadOnlyList<ISymbolTable> Sources => _sources;

    /// <inheritdoc/>
    public string Source => string.Join(" + ", _sources.Select(s => $"{s.Source} ({s.Count} symbols)"));

    /// <inheritdoc/>
    public int Count => _sources.Length == 1 ? _sources[0].Count : _merged.Value.Length;

    /// <inheritdoc/>
    public IEnumerable<KernelSymbol> All => _sources.Length == 1 ? _sources[0].All : _merged.Value;

    /// <inheritdoc/>
    public bool TryGetAddress(string name, out ulong address)
    {
        foreach (var source in _sources)
            if (source.TryGetAddress(name, out address)) return true;
        address = 0;
        return false;
    }

    /// <inheritdoc/>
    public SymbolMatch? Lookup(ulong address)
    {
        SymbolMatch? best = null;
        foreach (var source in _sources)
        {
            var match = source.Lookup(address);
            if (match is { } m && (best is null || m.Offset < best.Value.Offset)) best = m;
        }
        return best;
    }

    // Every distinct (name, address) once, sorted by address; the first source's entry wins.
    private KernelSymbol[] Merge()
    {
        var seen = new HashSet<(string, ulong)>();
        var list = new List<KernelSymbol>();
        foreach (var source in _sources)
            foreach (var symbol in source.All)
                if (seen.Add((symbol.Name, symbol.Address))) list.Add(symbol);
        var array = list.ToArray();
        var order = Enumerable.Range(0, array.Length).ToArray();
        Array.Sort(order, (a, b) => array[a].Address != array[b].Address ? array[a].Address.CompareTo(array[b].Address) : a.CompareTo(b));
        return order.Select(i => array[i]).ToArray();
    }
}
