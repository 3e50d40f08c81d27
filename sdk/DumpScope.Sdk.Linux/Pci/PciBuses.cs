namespace DumpScope.Sdk.Linux.Pci;

/// <summary>
/// The PCI device tree of drivers/pci: the root buses on <c>pci_root_buses</c> (linked by <c>pci_bus.node</c>), each
/// bus's devices on <c>pci_bus.devices</c> (through <c>pci_dev.bus_list</c>) and its child buses on
/// <c>pci_bus.children</c>. The domain is <c>pci_bus.domain_nr</c> where the architecture keeps it there
/// (CONFIG_PCI_DOMAINS_GENERIC), on x86 <c>struct pci_sysdata.domain</c> behind <c>bus->sysdata</c>.
/// </summary>
public static class PciBuses
{
    /// <summary>Most buses, and devices per bus, walked.</summary>
    public const int MaxEntries = 1 << 16;

    /// <summary>The root buses in list order with their devices; throws <see cref="TypeNotFoundException"/> without pci_root_buses.</summary>
    public static WalkResult<PciBus> ForEachRootBus(IKernel kernel, CancellationToken cancellation = default)
    {
        if (!kernel.Symbols.TryGetAddress("pci_root_buses", out var roots))
            throw new TypeNotFoundException($"symbol pci_root_buses is not in {kernel.Symbols.Source}");
        var bus = StructLayout.Probe(kernel, "struct pci_bus");
        ulong node = bus.Require("node").Offset;
        var walk = KernelLists.ListForEach(kernel.Memory, roots, MaxEntries, cancellation);
        var result = new List<PciBus>();
        foreach (var n in walk.Items)
        {
            ulong root = n - node;
            var problems = new List<string>();
            var devices = new List<PciDevice>();
            var seen = new HashSet<ulong>();
            Collect(kernel, bus, root, devices, problems, seen, 0, cancellation);
            var b = new KernelObject(kernel, bus.Type, root);
            result.Add(new PciBus(root, Domain(kernel, bus, b), (uint)Read(b, bus.RequireScalar("number"), problems), devices, problems));
        }
        return new(result, walk.End, walk.Problem is null ? null : $"pci_root_buses: {walk.Problem}");
    }

    private static void Collect(IKernel kernel, StructLayout bus, ulong address, List<PciDevice> devices, List<string> problems, HashSet<ulong> seen, int depth, CancellationToken cancellation)
    {
        if (!seen.Add(address) || depth > 256)
        {
            problems.Add($"pci_bus {address:x} reached twice (a cycle in the bus tree)");
            return;
        }
        var dev = StructLayout.Probe(kernel, "struct pci_dev");
        var b = new KernelObject(kernel, bus.Type, address);
        int domain = Domain(kernel, bus, b);
        uint number = (uint)Read(b, bus.RequireScalar("number"), problems);
        ulong busList = dev.Require("bus_list").Offset;
        var list = KernelLists.ListForEach(kernel.Memory, address + bus.Require("devices").Offset, MaxEntries, cancellation);
        if (list.Problem is not null) problems.Add($"pci_bus {address:x} devices: {list.Problem}");
        var devfn = dev.RequireScalar("devfn");
        var cls = dev.RequireScalar("class");
        var vendor = dev.RequireScalar("vendor");
        var device = dev.RequireScalar("device");
        var flags = dev.FindScalar("pcie_flags_reg");
        foreach (var n in list.Items)
        {
            var d = new KernelObject(kernel, dev.Type, n - busList).Load(dev.Size, "pci_dev");
            var why = new List<string>();
            devices.Add(new PciDevice(d.Address, domain, number, (uint)Read(d, devfn, why), (uint)Read(d, cls, why), (uint)Read(d, vendor, why),
                (uint)Read(d, device, why), flags is null ? 0 : (uint)(Read(d, flags, why) >> 4) & 0xf, why.Count == 0 ? null : string.Join("; ", why)));
        }
        ulong node = bus.Require("node").Offset;
        var children = KernelLists.ListForEach(kernel.Memory, address + bus.Require("children").Offset, MaxEntries, cancellation);
        if (children.Problem is not null) problems.Add($"pci_bus {address:x} children: {children.Problem}");
        foreach (var c in children.Items) Collect(kernel, bus, c - node, devices, problems, seen, depth + 1, cancellation);
    }

    private static int Domain(IKernel kernel, StructLayout bus, KernelObject b)
    {
        if (bus.FindScalar("domain_nr") is { } nr) return b.TryInteger(nr, out var v, out _) ? (int)v : 0;
        if (bus.FindScalar("sysdata") is not { } sysdata || StructLayout.TryProbe(kernel, "struct pci_sysdata")?.FindScalar("domain") is not { } domain) return 0;
        if (!b.TryUnsigned(sysdata, out var p, out _) || !KernelAddress.IsKernel(p)) return 0;
        return kernel.Object("struct pci_sysdata", p).TryInteger(domain, out var d, out _) ? (int)d : 0;
    }

    private static ulong Read(KernelObject obj, ProbedMember member, List<string> problems)
    {
        if (obj.TryUnsigned(member, out var value, out var why)) return value;
        problems.Add($"{member.Path}: {why}");
        return 0;
    }
}
