using System.Net;

namespace DumpScope.Sdk.Linux.Net;

/// <summary>
/// What <c>struct sock_common</c> (the head of every <c>struct sock</c>, <c>inet_timewait_sock</c> and
/// <c>request_sock</c>) and, for full sockets, <c>struct sock</c> say about one socket.
/// </summary>
/// <param name="Sock">The sock (or timewait/request sock) address.</param>
/// <param name="Family">skc_family (AF_*), null when unreadable.</param>
/// <param name="State">skc_state (TCP_* for inet sockets), null when unreadable.</param>
/// <param name="Type">sk_type (SOCK_*), null when unreadable or not a full sock.</param>
/// <param name="Protocol">sk_protocol (IPPROTO_*), null when unreadable or not a full sock.</param>
/// <param name="Local">The bound address (skc_rcv_saddr or skc_v6_rcv_saddr), null for other families or when unreadable.</param>
/// <param name="LocalPort">skc_num (host order), null when not an inet socket or unreadable.</param>
/// <param name="Remote">The peer address (skc_daddr or skc_v6_daddr), null like <paramref name="Local"/>.</param>
/// <param name="RemotePort">skc_dport (stored in network order, given here in host order), null like <paramref name="LocalPort"/>.</param>
/// <param name="Problem">What could not be read, or null.</param>
public sealed record SockInfo(ulong Sock, int? Family, int? State, int? Type, int? Protocol, IPAddress? Local, int? LocalPort,
    IPAddress? Remote, int? RemotePort, string? Problem)
{
    /// <summary>AF_INET.</summary>
    public const int AfInet = 2;

    /// <summary>AF_INET6.</summary>
    public const int AfInet6 = 10;

    /// <summary>TCP_TIME_WAIT: an inet_timewait_sock, which has only sock_common.</summary>
    public const int TcpTimeWait = 6;

    /// <summary>TCP_LISTEN.</summary>
    public const int TcpListen = 10;

    /// <summary>TCP_NEW_SYN_RECV: a request_sock, which has only sock_common.</summary>
    public const int TcpNewSynRecv = 12;

    /// <summary>True for AF_INET and AF_INET6.</summary>
    public bool IsInet => Family is AfInet or AfInet6;

    /// <summary>The address family as crash names it (UNIX, INET, INET6, NETLINK, PACKET…), or the number.</summary>
    public static string FamilyName(int family) => family switch
    {
        1 => "UNIX",
        2 => "INET",
        10 => "INET6",
        16 => "NETLINK",
        17 => "PACKET",
        _ => family.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A socket type (include/linux/net.h enum sock_type) as crash names it, or the number.</summary>
    public static string TypeName(int type) => type switch
    {
        1 => "STREAM",
        2 => "DGRAM",
        3 => "RAW",
        4 => "RDM",
        5 => "SEQPACKET",
        6 => "DCCP",
        10 => "PACKET",
        _ => type.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A TCP state (include/net/tcp_states.h) by the name the kernel's tcp_state enum gives it, or the number.</summary>
    public static string StateName(int state) => state switch
    {
        1 => "ESTABLISHED",
        2 => "SYN_SENT",
        3 => "SYN_RECV",
        4 => "FIN_WAIT1",
        5 => "FIN_WAIT2",
        6 => "TIME_WAIT",
        7 => "CLOSE",
        8 => "CLOSE_WAIT",
        9 => "LAST_ACK",
        10 => "LISTEN",
        11 => "CLOSING",
        12 => "NEW_SYN_RECV",
        _ => state.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>"address:port" as ss prints it ([v6]:port; a zero port as *).</summary>
    public static string Endpoint(IPAddress? address, int? port) =>
        address is null ? "?" : $"{(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString())}:{(port is null ? "?" : port == 0 ? "*" : port.Value.ToString(CultureInfo.InvariantCulture))}";
}
