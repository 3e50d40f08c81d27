using DumpScope.Sdk.Symbols;

namespace DumpScope.Host.Tests.Types;

/// <summary>A symbol table for tests: names added by hand.</summary>
internal sealed class FakeSymbolTable : ISymbolTable
{
    private readonly List<KernelSymbol> _symbols = [];

    public void Add(string name, ulong address, char type = 'D') => _symbols.Add(new KernelSymbol(name, address, type));

    public string Source => "test symbols";

    public int Count => _symbols.Count;

    public bool TryGetAddress(string name, out ulong address)
    {
        foreach (var s in _symbols)
        {
            if (s.Name == name)
            {
                address = s.Address;
                return true;
            }
        }
        address = 0;
        return false;
    }

    public SymbolMatch? Lookup(ulong address)
    {
        KernelSymbol? best = null;
        foreach (var s in _symbols)
            if (s.Address <= address && (best is null || s.Address > best.Value.Address)) best = s;
        return best is { } b ? new SymbolMatch(b, address - b.Address) : null;
    }

    public IEnumerable<KernelSymbol> All => _symbols.OrderBy(s => s.Address);
}
