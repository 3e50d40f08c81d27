using DumpScope.Sdk.Linux.Pci;

namespace DumpScope.Plugins.Files.Commands;

/// <summary>
/// crash's <c>dev -p</c>: each root PCI bus and the devices below it (slot, class, vendor:device, PCIe port type), in
/// crash's columns; the device table is its own block, so a blank line separates it from its bus line, which crash
/// does not print.
/// </summary>
[Command("dev", Selector = "-p", Help = "PCI devices: each root bus, then its devices (DO:BU:SL.FN, class, vendor:device, type)",
    Examples = ["dev -p  the PCI devices"], SeeAlso = ["dev"])]
public sealed class DevPciCommand(FileAnalyzer analyzer) : ICommand
{
    /// <summary>The selector flag.</summary>
    [Option("-p", Help = "PCI devices")]
    public bool Pci { get; set; }

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        WalkResult<PciBus> walk;
        try
        {
            walk = PciBuses.ForEachRootBus(analyzer.Kernel, context.Cancellation);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return CommandResult.Fail($"dev -p: the PCI buses are unreadable: {KernelDataErrors.Reason(e)}");
        }
        var result = new CommandResult();
        foreach (var bus in walk.Items)
        {
            var busTable = result.Add(new TableBlock(new Column("ROOT BUS", CellKind.Address, "root_bus"), new Column("BUSNAME"))
                { TextFromRows = true, Title = "    ROOT BUS     BUSNAME" });
            var busRow = busTable.AddRow(Cell.Address(bus.Address), Cell.Text(bus.Name));
            busRow.Text = $"{bus.Address:x16} {bus.Name}";
            busRow.WithTarget("struct pci_bus", new ObjectTarget("struct pci_bus", bus.Address));
            var table = result.Add(new TableBlock(new Column("PCI DEV", CellKind.Address, "pci_dev"), new Column("DO:BU:SL.FN", CellKind.Text, "slot"), new Column("CLASS", CellKind.Hex),
                new Column("PCI_ID"), new Column("TYPE", CellKind.Enum)) { TextFromRows = true, Title = "      PCI DEV      DO:BU:SL.FN  CLASS   PCI_ID      TYPE" });
            foreach (var dev in bus.Devices)
            {
                var row = table.AddRow(Cell.Address(dev.Address), Cell.Text(dev.Slot), Cell.Hex(dev.Class >> 8), Cell.Text($"{dev.Vendor:x4}:{dev.Device:x4}"), Cell.Enum(dev.PcieTypeName));
                row.Text = $"  {dev.Address:x16} {dev.Slot}  {dev.Class >> 8:x4}  {dev.Vendor:x4}:{dev.Device:x4}  {dev.PcieTypeName}";
                row.Problem = dev.Problem;
                row.WithTarget("struct pci_dev", new ObjectTarget("struct pci_dev", dev.Address));
            }
            result.Warnings.AddRange(bus.Problems.Select(p => $"dev -p: {p}"));
        }
        if (walk.Problem is not null) result.Warnings.Add($"dev -p: {walk.Problem}");
        return result;
    }
}
