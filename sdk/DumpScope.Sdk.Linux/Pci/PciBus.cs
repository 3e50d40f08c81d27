namespace DumpScope.Sdk.Linux.Pci;

/// <summary>A root PCI bus (on pci_root_buses) and every device below it, its child buses' included.</summary>
/// <param name="Address">The struct pci_bus's address.</param>
/// <param name="Domain">Its domain.</param>
/// <param name="Number">Its bus number.</param>
/// <param name="Devices">The devices on it and on the buses below it, bus by bus.</param>
/// <param name="Problems">Walks that did not complete.</param>
public sealed record PciBus(ulong Address, int Domain, uint Number, IReadOnlyList<PciDevice> Devices, IReadOnlyList<string> Problems)
{
    /// <summary>"DDDD:BB".</summary>
    public string Name => $"{Domain:x4}:{Number:x2}";
}
