using DumpScope.Sdk.Linux.Modules;

namespace DumpScope.Plugins.Stacks.Commands;

/// <summary>
/// crash's <c>mod</c>: the loaded modules (struct module address, name, base, size as /proc/modules gives
/// them), with their state, taint letters and reference count, and what the dump holds for each: its symbols
/// (in-memory kallsyms), ORC tables and BTF.
/// </summary>
[Command("mod", Help = "loaded modules: address, name, base, size, state, taints, refcount, symbols, ORC, BTF",
    Examples = ["mod  every loaded module"], SeeAlso = ["bt", "sym"])]
public sealed class ModCommand(StackAnalyzer analyzer) : ICommand
{
    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = analyzer.Kernel;
        ModuleWalk walk;
        try
        {
            walk = ModuleList.ForEachModule(kernel, context.Cancellation);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return CommandResult.Fail($"mod: {KernelDataErrors.Reason(e)}");
        }
        var result = new CommandResult();
        var table = result.Add(new TableBlock(
            new Column("MODULE", CellKind.Address), new Column("NAME"), new Column("BASE", CellKind.Address), new Column("SIZE", CellKind.Integer),
            new Column("STATE", CellKind.Enum), new Column("TAINTS", CellKind.Enum), new Column("REFCNT", CellKind.Integer),
            new Column("SYMBOLS", CellKind.Integer), new Column("ORC", CellKind.Integer, "orc_entries"), new Column("BTF", CellKind.Size, "btf_bytes")));
        var symbols = analyzer.Backtracer.Orc;
        // A live module's BTF is the BPF subsystem's copy (btf_modules); its own btf_data is cleared after init.
        var btfWalk = ModuleBtf.ForEachModuleBtf(kernel, context.Cancellation);
        var btfByModule = btfWalk.Items.Where(b => b.Module != 0).GroupBy(b => b.Module).ToDictionary(g => g.Key, g => g.First());
        foreach (var module in walk.Modules)
        {
            var row = table.AddRow(
                Cell.Address(module.Address),
                Cell.Text(module.Name),
                Cell.Address(module.Base),
                Cell.UInt(module.Size),
                Cell.Enum(module.StateWord),
                Cell.Enum(module.Taints is null ? "?" : module.TaintLetters.Length == 0 ? "-" : module.TaintLetters),
                module.RefCount is { } refs ? Cell.Int(refs) : Cell.Unreadable(Problem(module, "refcnt"), CellKind.Integer),
                module.Kallsyms is { } k ? Cell.UInt(k.Count) : Cell.NotAvailable("no in-memory kallsyms", CellKind.Integer),
                module.Orc is { } orc ? Cell.UInt(orc.Count) : Cell.NotAvailable(symbols is null ? "the kernel has no ORC unwinder" : "no ORC tables", CellKind.Integer),
                btfByModule.TryGetValue(module.Address, out var btf) ? Cell.Size(btf.Size)
                    : module.Btf is { } loading ? Cell.Size(loading.Size)
                    : Cell.NotAvailable(btfWalk.Problem ?? "no BTF for the module (neither on btf_modules nor in btf_data)", CellKind.Size));
            row.WithTarget("struct module", new ObjectTarget("struct module", module.Address));
            if (module.Problems.Count > 0) row.Problem = string.Join("; ", module.Problems);
        }
        if (walk.Problem is not null) result.Warnings.Add($"mod: {walk.Problem}");
        if (btfWalk.Problem is not null) result.Warnings.Add($"mod: module BTF: {btfWalk.Problem}");
        return result;
    }

    private static string Problem(KernelModule module, string field) =>
        module.Problems.FirstOrDefault(p => p.StartsWith(field, StringComparison.Ordinal)) ?? $"{field} not read";
}
