using DumpScope.Host.Kernel;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>
/// crash's <c>vtop</c>: translates a kernel virtual address through the page tables and shows every entry
/// read (x86-64: PGD, P4D on 5-level paging, PUD, PMD, PTE; arm64: the levels the granule and VA size use), the
/// page size and the physical address, and what the kernel-image or direct/linear-map arithmetic gives for comparison.
/// </summary>
[Command("vtop", Help = "translate a kernel virtual address through the page tables, showing each level: vtop ADDR",
    Examples = ["vtop ffff888003a4c000  each page-table level and the physical address"], SeeAlso = ["ptov", "rd"])]
public sealed class VtopCommand : ICommand
{
    /// <summary>The address: hex, a symbol, or symbol+offset.</summary>
    [Argument(0, Name = "ADDR", Required = true, Help = "kernel virtual address in hex, a symbol, or symbol+offset")]
    public string Address { get; set; } = "";

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        if (!KernelAddressParser.TryParse(Address, kernel.Symbols, out var address, out var problem))
            return CommandResult.Fail($"vtop: {problem}");
        if (kernel is not DumpKernel { AddressSpace: var space })
            return CommandResult.Fail("vtop: the kernel was not opened by DumpScope's loader; no page tables to show");

        var walk = space.Walk(address);
        var result = new CommandResult();
        var summary = result.Add(new RecordBlock { Title = "translation" });
        summary.Add("VIRTUAL", Cell.Address(address));
        if (kernel.Symbols.Lookup(address) is { } symbol) summary.Add("SYMBOL", Cell.Text(symbol.ToString()));
        summary.Add("PHYSICAL", walk.Fault is { } fault ? Cell.Unreadable(fault.Message, CellKind.Address) : Cell.Address(walk.PhysicalAddress),
            walk.Success ? new NavigationTarget("ptov", $"ptov {walk.PhysicalAddress:x}") : null);
        summary.Add("PAGE SIZE", walk.Success ? Cell.Size(walk.PageSize) : Cell.NotApplicable(CellKind.Size));
        if (walk.Success)
        {
            var state = kernel.Dump.GetPageState(walk.PhysicalAddress / (ulong)kernel.PageSize);
            summary.Add("PAGE IN DUMP", Cell.Enum(state.ToString().ToLowerInvariant()));
        }
        summary.Add("ROOT", Cell.Address(walk.Root));
        if (space.TryFastPath(address, out var fast, out var region))
        {
            summary.Add("ARITHMETIC", Cell.Text($"{region}: {fast:x16}"));
            if (walk.Success && fast != walk.PhysicalAddress)
                result.Warnings.Add($"the {region} arithmetic gives {fast:x} but the page tables map {walk.PhysicalAddress:x}; reads use the arithmetic");
        }

        var levels = result.Add(new TableBlock(
            new Column("LEVEL"), new Column("ENTRY ADDRESS", CellKind.Address), new Column("VALUE", CellKind.Address),
            new Column("POINTS TO", CellKind.Address), new Column("FLAGS")) { Title = "page-table walk" });
        for (int i = 0; i < walk.Levels.Count; i++)
        {
            var level = walk.Levels[i];
            bool last = i == walk.Levels.Count - 1;
            if (!level.Readable)
            {
                var reason = walk.Fault?.Message ?? "unreadable";
                levels.AddRow(Cell.Text(level.Name), Cell.Address(level.EntryAddress), Cell.Unreadable(reason, CellKind.Address),
                    Cell.NotApplicable(CellKind.Address), Cell.NotApplicable()).Problem = reason;
                continue;
            }
            var pointsTo = !level.Valid ? Cell.NotApplicable(CellKind.Address)
                : last && walk.Success ? Cell.Address(walk.PhysicalAddress & ~(walk.PageSize - 1))
                : Cell.Address(level.NextAddress);
            var row = levels.AddRow(Cell.Text(level.Name), Cell.Address(level.EntryAddress), Cell.Address(level.Value), pointsTo, Cell.Text(level.Flags));
            if (last && walk.Fault is { } f) row.Problem = f.Detail ?? f.Message;
        }
        if (walk.Levels.Count == 0 && walk.Fault is { } nonCanonical) result.Warnings.Add(nonCanonical.Message);
        return result;
    }
}
