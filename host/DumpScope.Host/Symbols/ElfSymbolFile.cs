namespace DumpScope.Host.Symbols;

/// <summary>What <see cref="ElfSymbolReader"/> found in an ELF file: its .symtab and its GNU build-id.</summary>
/// <param name="Table">The symbols, relocated.</param>
/// <param name="BuildId">The NT_GNU_BUILD_ID note in lower-case hex, or null when the file has none.</param>
internal sealed record ElfSymbolFile(SymbolTable Table, string? BuildId);
