namespace DumpScope.Sdk.Linux.Modules;

/// <summary>
/// The symbols of every loaded module, from each module's in-memory kallsyms: names look up module
/// symbols, an address inside a module's memory gives the nearest module symbol below it (never a vmlinux
/// symbol, never across modules). Each symbol carries its module's name.
/// </summary>
public sealed class ModuleSymbolTable : ISymbolTable
{
    private readonly KernelSymbol[] _symbols;
    private readonly ulong[] _addresses;
    private readonly Dictionary<string, int> _byName;
    private readonly IReadOnlyList<KernelModule> _modules;

    /// <summary>Creates the table from modules and their symbols.</summary>
    public ModuleSymbolTable(IReadOnlyList<KernelModule> modules, IEnumerable<ModuleSymbol> symbols, IReadOnlyList<string> problems)
    {
        _modules = modules;
        _symbols = symbols.Select(s => s.Symbol).OrderBy(s => s.Address).ToArray();
        _addresses = _symbols.Select(s => s.Address).ToArray();
        _byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _symbols.Length; i++)
            if (!_byName.TryGetValue(_symbols[i].Name, out var existing) || !char.IsAsciiLetterUpper(_symbols[existing].Type) && char.IsAsciiLetterUpper(_symbols[i].Type))
                _byName[_symbols[i].Name] = i;
        Problems = problems;
    }

    /// <summary>
    /// Reads the module list and every module's kallsyms. Modules or symbols that cannot be read are left out
    /// and said in <see cref="Problems"/>; a kernel without modules gives an empty table.
    /// </summary>
    public static ModuleSymbolTable Read(IKernel kernel, CancellationToken cancellation = default)
    {
        var problems = new List<string>();
        IReadOnlyList<KernelModule> modules = [];
        try
        {
            var walk = ModuleList.ForEachModule(kernel, cancellation);
            modules = walk.Modules;
            if (walk.Problem is not null) problems.Add(walk.Problem);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            problems.Add($"modules: {KernelDataErrors.Reason(e)}");
        }
        var symbols = new List<ModuleSymbol>();
        foreach (var module in modules)
        {
            try
            {
                symbols.AddRange(ModuleKallsymsReader.Read(kernel.Memory, module, problems));
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                problems.Add($"module {module.Name}: kallsyms: {KernelDataErrors.Reason(e)}");
            }
        }
        return new ModuleSymbolTable(modules, symbols, problems);
    }

    /// <summary>The modules the symbols came from.</summary>
    public IReadOnlyList<KernelModule> Modules => _modules;

    /// <summary>What could not be read.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <inheritdoc/>
    public string Source => $"module kallsyms ({_modules.Count} modules)";

    /// <inheritdoc/>
    public int Count => _symbols.Length;

    /// <inheritdoc/>
    public IEnumerable<KernelSymbol> All => _symbols;

    /// <summary>The module whose memory holds the address, or null.</summary>
    public KernelModule? ModuleAt(ulong address)
    {
        foreach (var module in _modules)
            if (module.Contains(address)) return module;
        return null;
    }

    /// <inheritdoc/>
    public bool TryGetAddress(string name, out ulong address)
    {
        if (_byName.TryGetValue(name, out var i))
        {
            address = _symbols[i].Address;
            return true;
        }
        address = 0;
        return false;
    }

    /// <inheritdoc/>
    public SymbolMatch? Lookup(ulong address)
    {
        if (ModuleAt(address) is not { } module) return null;
        int lo = 0, hi = _addresses.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (_addresses[mid] <= address) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        // The nearest symbol below in the same module: walk down past other modules' symbols at lower addresses.
        for (int i = found; i >= 0; i--)
        {
            if (_symbols[i].Module != module.Name) continue;
            if (!module.Contains(_symbols[i].Address)) continue;
            return new SymbolMatch(_symbols[i], address - _symbols[i].Address);
        }
        return null;
    }
}
