namespace DumpScope.Sdk.Linux.Net;

/// <summary>
/// Network devices and the neighbour table (net/core/dev.c, net/core/neighbour.c): a namespace's
/// <c>dev_base_head</c> list of <c>struct net_device</c> (linked through <c>dev_list</c>), each device's
/// <c>ip_ptr</c> (<c>struct in_device</c>) with its <c>ifa_list</c> chain, and <c>arp_tbl</c>'s hash table of
/// <c>struct neighbour</c> chains.
/// </summary>
public static class NetDevices
{
    /// <summary>At most this many devices, addresses per device, or neighbours are walked.</summary>
    public const int Bound = 65_536;

    /// <summary>The probed members of struct net, net_device, in_device and in_ifaddr.</summary>
    private sealed record Layout(ProbedMember DevBaseHead, ProbedMember DevList, ProbedMember Name, ProbedMember? Ifindex, ProbedMember? Flags,
        ProbedMember? AddrLen, ProbedMember? DevAddr, ProbedMember? IpPtr, ProbedMember IfaList, ProbedMember IfaNext, ProbedMember IfaLocal,
        ProbedMember IfaPrefix, ProbedMember IfaLabel)
    {
        public static Layout Probe(IKernel kernel)
        {
            var dev = StructLayout.Probe(kernel, "struct net_device");
            var ifa = StructLayout.Probe(kernel, "struct in_ifaddr");
            // dev_addr became a const pointer in commit adeef3e32146 "net: constify netdev->dev_addr" (5.15); it was
            // an unsigned char * before too, so both are read as a pointer; an array would be read in place.
            return new Layout(StructLayout.Probe(kernel, "struct net").Require("dev_base_head"), dev.Require("dev_list"), dev.Require("name"),
                dev.FindScalar("ifindex"), dev.FindScalar("flags"), dev.FindScalar("addr_len"), dev.Find("dev_addr"), dev.FindScalar("ip_ptr"),
                StructLayout.Probe(kernel, "struct in_device").RequireScalar("ifa_list"), ifa.RequireScalar("ifa_next"),
                ifa.RequireScalar("ifa_local"), ifa.RequireScalar("ifa_prefixlen"), ifa.Require("ifa_label"));
        }
    }

    /// <summary>The address of <c>init_net</c>. Throws <see cref="TypeNotFoundException"/> when the symbol is missing.</summary>
    public static ulong InitNet(IKernel kernel) =>
        kernel.Symbols.TryGetAddress("init_net", out var net) ? net : throw new TypeNotFoundException($"init_net is not in {kernel.Symbols.Source}");

    /// <summary>for_each_netdev: the net_device addresses of the namespace at <paramref name="net"/>, in list order.</summary>
    public static WalkResult<ulong> ForEachNetdev(IKernel kernel, ulong net, CancellationToken cancellation = default)
    {
        var layout = KernelProbes.Get(kernel, Layout.Probe);
        return KernelLists.ListForEach(kernel.Memory, net + layout.DevBaseHead.Offset, Bound, cancellation).Select(n => n - layout.DevList.Offset);
    }

    /// <summary>A device's name, flags, hardware address and IPv4 addresses; what cannot be read is in the problem, never thrown.</summary>
    public static NetDeviceInfo ReadNetDevice(IKernel kernel, ulong device)
    {
        var layout = KernelProbes.Get(kernel, Layout.Probe);
        var dev = kernel.Object("struct net_device", device);
        var problems = new List<string>();
        string? name = dev.TryString(layout.Name, out var n, out var why, 16) ? n : null;
        if (name is null) problems.Add($"name: {why}");
        int? ifindex = layout.Ifindex is not null && dev.TryInteger(layout.Ifindex, out var i, out _) ? (int)i : null;
        uint? flags = layout.Flags is not null && dev.TryUnsigned(layout.Flags, out var f, out _) ? (uint)f : null;
        byte[]? mac = null;
        if (layout.AddrLen is not null && layout.DevAddr is not null && dev.TryUnsigned(layout.AddrLen, out var len, out why) && len is > 0 and <= 32)
        {
            ulong at = device + layout.DevAddr.Offset;
            if (layout.DevAddr.Type.Resolve().Kind == TypeKind.Pointer && !kernel.Memory.TryReadU64(at, out at, out var fault))
                problems.Add($"dev_addr: {fault!.Message}");
            else if (at != 0)
            {
                var bytes = new byte[len];
                var read = kernel.Memory.ReadVirtual(at, bytes);
                if (read.IsComplete) mac = bytes;
                else problems.Add($"dev_addr: {read.Fault!.Message}");
            }
        }
        var addresses = new List<Ipv4Address>();
        if (layout.IpPtr is not null && dev.TryUnsigned(layout.IpPtr, out var inDev, out why))
        {
            MemoryFault? fault = null;
            if (inDev != 0 && kernel.Memory.TryReadU64(inDev + layout.IfaList.Offset, out var first, out fault))
            {
                var chain = KernelLists.NullTerminated(kernel.Memory, first, layout.IfaNext.Offset, Bound);
                if (chain.Problem is not null) problems.Add($"ifa_list: {chain.Problem}");
                foreach (ulong a in chain.Items)
                {
                    var ifa = kernel.Object("struct in_ifaddr", a);
                    if (ifa.TryUnsigned(layout.IfaLocal, out var local, out var w) && ifa.TryUnsigned(layout.IfaPrefix, out var prefix, out w))
                        addresses.Add(new Ipv4Address(a, (uint)local, (int)prefix, ifa.TryString(layout.IfaLabel, out var label, out _, 16) ? label : ""));
                    else problems.Add($"in_ifaddr {a:x}: {w}");
                }
            }
            else if (inDev != 0) problems.Add($"in_device {inDev:x}: {fault!.Message}");
        }
        else if (layout.IpPtr is not null) problems.Add($"ip_ptr: {why}");
        return new NetDeviceInfo(device, name, ifindex, flags, mac, addresses, problems.Count == 0 ? null : string.Join("; ", problems));
    }

    /// <summary>
    /// neigh_for_each over <c>arp_tbl</c> (or the table at <paramref name="table"/>): every neighbour of every hash
    /// bucket (<c>nht-&gt;hash_buckets[1 &lt;&lt; hash_shift]</c>, chains linked through <c>next</c>), bounded and
    /// cycle-aware; a damaged bucket ends that chain with a problem and the walk goes on.
    /// </summary>
    public static WalkResult<NeighbourEntry> NeighForEach(IKernel kernel, ulong? table = null, CancellationToken cancellation = default)
    {
        if (table is null)
        {
            if (!kernel.Symbols.TryGetAddress("arp_tbl", out var arp)) throw new TypeNotFoundException($"arp_tbl is not in {kernel.Symbols.Source}");
            table = arp;
        }
        var tbl = kernel.Object("struct neigh_table", table.Value);
        var items = new List<NeighbourEntry>();
        ulong nht = tbl["nht"].ReadPointer();
        if (nht == 0) return new(items, WalkEnd.Completed, null);
        var hash = kernel.Object("struct neigh_hash_table", nht);
        int shift = (int)hash["hash_shift"].ReadUnsigned();
        if (shift > 24) return new(items, WalkEnd.CorruptLink, $"neigh_hash_table {nht:x}: hash_shift {shift} is impossible");
        ulong buckets = hash["hash_buckets"].ReadPointer();
        var neighbour = StructLayout.Probe(kernel, "struct neighbour");
        ulong next = neighbour.Require("next").Offset;
        ulong key = neighbour.Require("primary_key").Offset;
        var end = WalkEnd.Completed;
        string? problem = null;
        for (ulong b = 0; b < 1UL << shift; b++)
        {
            cancellation.ThrowIfCancellationRequested();
            if (!kernel.Memory.TryReadU64(buckets + b * 8, out var first, out var fault))
            {
                (end, problem) = (WalkEnd.Fault, problem ?? $"hash bucket {b}: {fault!.Message}");
                continue;
            }
            var chain = KernelLists.NullTerminated(kernel.Memory, first, next, Bound - items.Count, null, cancellation);
            if (chain.Problem is not null && problem is null) (end, problem) = (chain.End, $"hash bucket {b}: {chain.Problem}");
            foreach (ulong n in chain.Items)
            {
                var obj = kernel.Object("struct neighbour", n);
                var problems = new List<string>();
                uint? ip = null;
                try { ip = kernel.Memory.ReadU32(n + key, "neighbour primary_key"); }
                catch (Exception e) when (KernelDataErrors.IsDataProblem(e)) { problems.Add($"primary_key: {KernelDataErrors.Reason(e)}"); }
                int? state = obj["nud_state"].TryReadUnsigned(out var s, out var f) ? (int)s : null;
                if (state is null) problems.Add($"nud_state: {f!.Message}");
                ulong dev = obj["dev"].TryReadUnsigned(out var d, out _) ? d : 0;
                byte[]? ha = null;
                int len = 6;
                if (dev != 0 && kernel.Object("struct net_device", dev)["addr_len"].TryReadUnsigned(out var l, out _) && l is > 0 and <= 32) len = (int)l;
                var bytes = new byte[len];
                var read = kernel.Memory.ReadVirtual(obj["ha"].Address, bytes);
                if (read.IsComplete) ha = bytes;
                else problems.Add($"ha: {read.Fault!.Message}");
                items.Add(new NeighbourEntry(n, ip, ha, state, dev, problems.Count == 0 ? null : string.Join("; ", problems)));
            }
        }
        return new(items, end, problem);
    }
}
