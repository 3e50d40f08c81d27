namespace DumpScope.Sdk.Linux.Pci;

/// <summary>One PCI device (struct pci_dev) and the bus it sits on.</summary>
/// <param name="Address">The pci_dev's address.</param>
/// <param name="Domain">The PCI domain (segment).</param>
/// <param name="Bus">The bus number.</param>
/// <param name="DevFn">Device and function (slot &lt;&lt; 3 | function).</param>
/// <param name="Class">pdev->class: base class, subclass and programming interface (24 bits).</param>
/// <param name="Vendor">The vendor id.</param>
/// <param name="Device">The device id.</param>
/// <param name="PcieType">The PCI Express port type (pcie_flags_reg bits 7:4; 0, an endpoint, for a device without a PCIe capability).</param>
/// <param name="Problem">What could not be read, or null.</param>
public sealed record PciDevice(ulong Address, int Domain, uint Bus, uint DevFn, uint Class, uint Vendor, uint Device, uint PcieType, string? Problem)
{
    /// <summary>"DDDD:BB:SS.F".</summary>
    public string Slot => $"{Domain:x4}:{Bus:x2}:{DevFn >> 3:x2}.{DevFn & 7:x}";

    /// <summary>The port type as include/uapi/linux/pci_regs.h names it (PCI_EXP_TYPE_*).</summary>
    public string PcieTypeName => PcieType switch
    {
        0 => "ENDPOINT",
        1 => "LEG_END",
        4 => "ROOT_PORT",
        5 => "UPSTREAM",
        6 => "DOWNSTREAM",
        7 => "PCI_BRIDGE",
        8 => "PCIE_BRIDGE",
        9 => "RC_END",
        10 => "RC_EC",
        _ => $"TYPE_{PcieType}",
    };
}
