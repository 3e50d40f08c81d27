namespace DumpScope.Sdk.Linux.Net;

/// <summary>An IPv4 address of a device (<c>struct in_ifaddr</c>).</summary>
/// <param name="Address">The in_ifaddr address.</param>
/// <param name="Local">ifa_local, in network byte order as the kernel keeps it.</param>
/// <param name="PrefixLength">ifa_prefixlen.</param>
/// <param name="Label">ifa_label ("eth0", "eth0:1").</param>
public sealed record Ipv4Address(ulong Address, uint Local, int PrefixLength, string Label)
{
    /// <summary>The dotted-quad form of <see cref="Local"/>.</summary>
    public string Dotted => Ipv4(Local);

    /// <summary>A network-order IPv4 address as a.b.c.d.</summary>
    public static string Ipv4(uint networkOrder) =>
        $"{networkOrder & 0xff}.{(networkOrder >> 8) & 0xff}.{(networkOrder >> 16) & 0xff}.{networkOrder >> 24}";
}

/// <summary>A network device (<c>struct net_device</c>) of a network namespace.</summary>
/// <param name="Address">The net_device address.</param>
/// <param name="Name">Its name, null when unreadable.</param>
/// <param name="Ifindex">Its ifindex, null when unreadable.</param>
/// <param name="Flags">Its IFF_* flags, null when unreadable.</param>
/// <param name="HardwareAddress">dev_addr for addr_len bytes, null when unreadable or none.</param>
/// <param name="Ipv4">The in_device's addresses.</param>
/// <param name="Problem">What could not be read, or null.</param>
public sealed record NetDeviceInfo(ulong Address, string? Name, int? Ifindex, uint? Flags, byte[]? HardwareAddress, IReadOnlyList<Ipv4Address> Ipv4, string? Problem);

/// <summary>A neighbour-table entry (<c>struct neighbour</c>): an ARP entry for IPv4.</summary>
/// <param name="Address">The neighbour address.</param>
/// <param name="Key">The primary key (the IPv4 address for ARP, in network order), null when unreadable.</param>
/// <param name="HardwareAddress">ha for the device's addr_len bytes, null when unreadable.</param>
/// <param name="State">nud_state (NUD_* bits), null when unreadable.</param>
/// <param name="Device">The net_device, 0 when unreadable.</param>
/// <param name="Problem">What could not be read, or null.</param>
public sealed record NeighbourEntry(ulong Address, uint? Key, byte[]? HardwareAddress, int? State, ulong Device, string? Problem);
