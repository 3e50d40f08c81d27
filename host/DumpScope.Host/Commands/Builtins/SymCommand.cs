using DumpScope.Host.Kernel;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>crash's <c>sym</c>: a symbol's address, or the symbol (plus offset) at an address.</summary>
[Shows(typeof(SymbolTarget), "{Name}")]
[Command("sym", Help = "a symbol's address, or the symbol and offset at an address: sym NAME|ADDR",
    Examples = ["sym init_task  its address", "sym ffffffff9cb6475a  the symbol+offset there"], SeeAlso = ["rd", "whatis"])]
public sealed class SymCommand : ICommand
{
    /// <summary>A symbol name, or an address in hex (a word that is a symbol is taken as the symbol).</summary>
    [Argument(0, Name = "NAME|ADDR", Required = true, Help = "symbol name, or kernel address in hex (0x optional)")]
    public string Target { get; set; } = "";

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var symbols = context.Kernel.Symbols;
        var result = new CommandResult();
        var table = result.Add(new TableBlock(new Column("ADDRESS", CellKind.Address), new Column("TYPE", CellKind.Enum), new Column("SYMBOL")));
        var target = Target.Trim();
        if (symbols.TryGetAddress(target, out var address))
        {
            var match = symbols.Lookup(address);
            char type = match is { Offset: 0 } m && m.Symbol.Name == target ? m.Symbol.Type : TypeOf(symbols, target, address);
            string name = match is { Offset: 0, Symbol.Module: { } module } ? $"{target} [{module}]" : target;
            table.AddRow(Cell.Address(address), Cell.Enum(type.ToString()), Cell.Text(name)).WithTarget("rd", new MemoryTarget(address));
            return result;
        }
        if (!KernelAddressParser.TryParse(target, symbols, out address, out var problem))
            return CommandResult.Fail($"sym: {problem}");
        if (symbols.Lookup(address) is not { } found)
            return CommandResult.Fail($"sym: no symbol at or near {address:x} in {symbols.Source}");
        table.AddRow(Cell.Address(address), Cell.Enum(found.Symbol.Type.ToString()), Cell.Text(found.ToString()))
            .WithTarget("symbol", new SymbolTarget(found.Symbol.Name));
        return result;
    }

    // Several names can share an address; find the type letter of the one asked for.
    private static char TypeOf(ISymbolTable symbols, string name, ulong address) =>
        symbols.All.SkipWhile(s => s.Address < address).TakeWhile(s => s.Address == address)
            .Where(s => s.Name == name).Select(s => s.Type).DefaultIfEmpty('?').First();
}
