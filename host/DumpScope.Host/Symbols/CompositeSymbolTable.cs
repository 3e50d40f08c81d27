using DumpScope.Host.Kernel;

namespace DumpScope.Host.Symbols;

/// <summary>
/// Several symbol sources in order of trust (kallsyms in the dump, then System.map, then vmlinux .symtab).
/// A name is answered by the first source that has it; an address by the source whose nearest symbol is
/// closest (the first source wins a tie), which is what one merged, sorted array would give.
/// Module symbols join once <see cref="AttachModules"/> has given a way to read them (they need the kernel's
/// types and memory, which exist only after the symbols): they are read on the first question the vmlinux
/// sources cannot answer (an unknown name, an address with no vmlinux symbol near it).
/// </summary>
public sealed class CompositeSymbolTable : ISymbolTable
{
    // A vmlinux match this far below an address is no answer: the address may be in a module.
    private const ulong FarOffset = 1UL << 16;


    private readonly ISymbolTable[] _sources;
    private Lazy<KernelSymbol[]> _merged;
    private ModuleReader<ISymbolTable?>? _modules;

    /// <summary>Creates the composite; at least one source.</summary>
    public CompositeSymbolTable(IEnumerable<ISymbolTable> sources)
    {
        _sources = sources.ToArray();
        if (_sources.Length == 0) throw new ArgumentException("a composite needs at least one symbol source", nameof(sources));
        _merged = new Lazy<KernelSymbol[]>(Merge, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The sources, most trusted first.</summary>
    public IReadOnlyList<ISymbolTable> Sources => _sources;

    /// <summary>
    /// Gives the reader of module symbols (run at most once, on first need; it may itself look up vmlinux
    /// symbols). A reader that fails leaves the table without module symbols.
    /// </summary>
    public void AttachModules(Func<ISymbolTable?> reader)
    {
        _modules = new ModuleReader<ISymbolTable?>(reader, null);
        _merged = new Lazy<KernelSymbol[]>(Merge, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The module symbols, when attached and readable (reading them now if not yet done).</summary>
    public ISymbolTable? Modules => _modules?.Value;

    /// <inheritdoc/>
    public string Source => string.Join(" + ", _sources.Select(s => $"{s.Source} ({s.Count} symbols)"));

    /// <inheritdoc/>
    public int Count => _sources.Length == 1 && Modules is null ? _sources[0].Count : _merged.Value.Length;

    /// <inheritdoc/>
    public IEnumerable<KernelSymbol> All => _sources.Length == 1 && Modules is null ? _sources[0].All : _merged.Value;

    /// <inheritdoc/>
    public bool TryGetAddress(string name, out ulong address)
    {
        foreach (var source in _sources)
            if (source.TryGetAddress(name, out address)) return true;
        if (Modules is { } modules && modules.TryGetAddress(name, out address)) return true;
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
        if ((best is null || best.Value.Offset >= FarOffset) && Modules?.Lookup(address) is { } inModule) return inModule;
        return best;
    }

    // Every distinct (name, address) once, sorted by address; the first source's entry wins.
    private KernelSymbol[] Merge()
    {
        var seen = new HashSet<(string, ulong)>();
        var list = new List<KernelSymbol>();
        foreach (var source in Modules is { } modules ? _sources.Append(modules) : _sources)
            foreach (var symbol in source.All)
                if (seen.Add((symbol.Name, symbol.Address))) list.Add(symbol);
        var array = list.ToArray();
        var order = Enumerable.Range(0, array.Length).ToArray();
        Array.Sort(order, (a, b) => array[a].Address != array[b].Address ? array[a].Address.CompareTo(array[b].Address) : a.CompareTo(b));
        return order.Select(i => array[i]).ToArray();
    }
}
