using DumpScope.Host.Kernel;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>crash's <c>ptov</c>: the direct-map (kernel virtual) address of a physical address.</summary>
[Command("ptov", Help = "the direct-map kernel virtual address of a physical address: ptov PADDR",
    Examples = ["ptov 1000000  the direct-map address of physical 0x1000000"], SeeAlso = ["vtop", "rd"])]
public sealed class PtovCommand : ICommand
{
    /// <summary>The physical address, hex.</summary>
    [Argument(0, Name = "PADDR", Required = true, Help = "physical address in hex (0x optional)")]
    public string PhysicalAddress { get; set; } = "";

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        if (!KernelAddressParser.TryHex(PhysicalAddress.Trim(), out var physical))
            return CommandResult.Fail($"ptov: '{PhysicalAddress}' is not a hexadecimal physical address");
        if (kernel is not DumpKernel dumpKernel)
            return CommandResult.Fail("ptov: the kernel was not opened by DumpScope's loader; the direct map is unknown");
        var space = dumpKernel.AddressSpace;
        if (space.DirectMapBase is null)
            return CommandResult.Fail("ptov: the direct map's base is unknown (page_offset_base could not be read or confirmed; see FactNotes)");
        if (!space.TryPhysicalToDirectMap(physical, out var virtualAddress))
            return CommandResult.Fail($"ptov: physical address {physical:x} is beyond the memory the dump describes ({space.MaxPhysicalAddress:x})");

        var result = new CommandResult();
        var table = result.Add(new TableBlock(new Column("VIRTUAL", CellKind.Address), new Column("PHYSICAL", CellKind.Address), new Column("PAGE")));
        var state = kernel.Dump.GetPageState(physical / (ulong)kernel.PageSize);
        table.AddRow(Cell.Address(virtualAddress), Cell.Address(physical), Cell.Enum(state.ToString().ToLowerInvariant()))
            .WithTarget("rd", new MemoryTarget(virtualAddress)).WithTarget("vtop", $"vtop {virtualAddress:x}");
        return result;
    }
}
