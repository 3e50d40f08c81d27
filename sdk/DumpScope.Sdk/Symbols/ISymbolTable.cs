namespace DumpScope.Sdk.Symbols;

/// <summary>A kernel symbol: name, relocated address, and the nm-style type letter.</summary>
/// <param name="Name">Symbol name.</param>
/// <param name="Address">Address as it was in the dumped kernel (KASLR already applied).</param>
/// <param name="Type">nm type letter ('T' text, 'D' data, 'B' bss, 'R' rodata…), '?' when unknown.</param>
public readonly record struct KernelSymbol(string Name, ulong Address, char Type)
{
    /// <summary>The module the symbol belongs to (its in-memory kallsyms), or null for vmlinux symbols.</summary>
    public string? Module { get; init; }
}

/// <summary>The symbol at or below an address and the distance from it.</summary>
public readonly record struct SymbolMatch(KernelSymbol Symbol, ulong Offset)
{
    /// <inheritdoc/>
    public override string ToString() => (Offset == 0 ? Symbol.Name : $"{Symbol.Name}+{Offset}") + (Symbol.Module is { } m ? $" [{m}]" : "");
}

/// <summary>Kernel symbols from one or more sources (kallsyms in the dump, System.map, vmlinux .symtab).</summary>
public interface ISymbolTable
{
    /// <summary>Where the symbols came from, for messages ("kallsyms in dump (87405 symbols)").</summary>
    string Source { get; }

    /// <summary>Number of symbols known.</summary>
    int Count { get; }

    /// <summary>Address of a symbol by exact name.</summary>
    bool TryGetAddress(string name, out ulong address);

    /// <summary>The nearest symbol at or below <paramref name="address"/>, or null when below every symbol.</summary>
    SymbolMatch? Lookup(ulong address);

    /// <summary>All symbols, sorted by address.</summary>
    IEnumerable<KernelSymbol> All { get; }
}
