namespace DumpScope.Testing.Kernels;

/// <summary>A symbol table whose names a test adds by hand; address look-ups give the nearest symbol below.</summary>
public sealed class SyntheticSymbols : ISymbolTable
{
    private readonly Dictionary<string, KernelSymbol> _symbols = new(StringComparer.Ordinal);

    /// <summary>Adds (or moves) a symbol.</summary>
    public void Add(string name, ulong address, char type = 'D') => _symbols[name] = new KernelSymbol(name, address, type);

    /// <inheritdoc/>
    public string Source => "test symbols";

    /// <inheritdoc/>
    public int Count => _symbols.Count;

    /// <inheritdoc/>
    public bool TryGetAddress(string name, out ulong address)
    {
        bool found = _symbols.TryGetValue(name, out var symbol);
        address = found ? symbol.Address : 0;
        return found;
    }

    /// <inheritdoc/>
    public SymbolMatch? Lookup(ulong address)
    {
        KernelSymbol? best = null;
        foreach (var s in _symbols.Values)
            if (s.Address <= address && (best is null || s.Address > best.Value.Address)) best = s;
        return best is { } b ? new SymbolMatch(b, address - b.Address) : null;
    }

    /// <inheritdoc/>
    public IEnumerable<KernelSymbol> All => _symbols.Values.OrderBy(s => s.Address);
}
