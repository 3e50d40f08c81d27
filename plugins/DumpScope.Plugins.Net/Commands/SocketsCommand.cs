using DumpScope.Sdk.Linux.Net;

namespace DumpScope.Plugins.Net.Commands;

/// <summary>
/// The TCP and UDP sockets of the kernel's hash tables, like <c>ss -tuan</c> (crash has no such command; the options
/// are ss's): TCP's listening hash (lhash2) and established hash (ehash, with timewait and request socks) from
/// <c>tcp_hashinfo</c>, UDP's <c>udp_table</c>, and the tables of each network namespace that has its own (every
/// namespace's sockets, as <c>ss</c> run in each would list them). One row per socket: protocol, state, local and peer address and
/// port, the sock (a navigation target) and its hash bucket.
/// </summary>
[Command("sockets", Help = "TCP/UDP sockets from the kernel's hash tables, like ss -tuan: sockets [-t] [-u] [-l]",
    Examples = ["sockets  every TCP and UDP socket", "sockets -t -l  TCP listeners", "sockets -u  UDP sockets"], SeeAlso = ["net", "files"])]
public sealed class SocketsCommand : ICommand
{
    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        bool tcp = Tcp || !Udp, udp = (Udp || !Tcp) && !Listening;
        var result = new CommandResult();
        var table = result.Add(new TableBlock(new Column("PROTO", CellKind.Enum), new Column("STATE", CellKind.Enum), new Column("LOCAL"),
            new Column("PEER"), new Column("SOCK", CellKind.Address), new Column("TABLE", CellKind.Enum), new Column("BUCKET", CellKind.Integer)));
        var walks = new List<(string Name, Func<WalkResult<HashedSocket>> Walk)>();
        if (tcp) walks.Add(("tcp_hashinfo.lhash2", () => InetHashtables.TcpListening(kernel, context.Cancellation)));
        if (tcp && !Listening) walks.Add(("tcp_hashinfo.ehash", () => InetHashtables.TcpEstablished(kernel, context.Cancellation)));
        if (udp) walks.Add(("udp_table", () => InetHashtables.Udp(kernel, "udp_table", context.Cancellation)));
        foreach (var (name, walk) in walks)
        {
            WalkResult<HashedSocket> found;
            try
            {
                found = walk();
            }
            catch (Exception e) when (e is TypeNotFoundException || KernelDataErrors.IsDataProblem(e))
            {
                result.Warnings.Add($"sockets: {name}: {KernelDataErrors.Reason(e)}");
                continue;
            }
            foreach (var hashed in found.Items) Add(table, hashed);
            if (found.Problem is not null) result.Warnings.Add($"sockets: {name}: {found.Problem}");
        }
        if (table.Rows.Count == 0 && result.Warnings.Count == 0) result.Add(new TextBlock(["(no sockets in the hash tables)"]));
        return result;
    }

    // The options are ss's: -t and -u pick the protocols (both when neither is given), -l keeps the listeners.

    /// <summary>TCP only.</summary>
    [Option("-t", Help = "TCP sockets (listening and established hashes)")]
    public bool Tcp { get; set; }

    /// <summary>UDP only.</summary>
    [Option("-u", Help = "UDP sockets (udp_table)")]
    public bool Udp { get; set; }

    /// <summary>Listeners only.</summary>
    [Option("-l", Help = "only listening TCP sockets")]
    public bool Listening { get; set; }


    private static void Add(TableBlock table, HashedSocket hashed)
    {
        var sock = hashed.Sock;
        string why = sock.Problem ?? "unreadable";
        string proto = (hashed.Table == SocketTable.Udp ? "udp" : "tcp") + (sock.Family == SockInfo.AfInet6 ? "6" : "");
        var row = table.AddRow(Cell.Enum(proto),
            sock.State is { } st ? Cell.Enum(hashed.Table == SocketTable.Udp ? UdpState(st) : SockInfo.StateName(st)) : Cell.Unreadable(why, CellKind.Enum),
            sock.Local is not null ? Cell.Text(SockInfo.Endpoint(sock.Local, sock.LocalPort)) : Cell.Unreadable(why),
            sock.Remote is not null ? Cell.Text(SockInfo.Endpoint(sock.Remote, sock.RemotePort)) : Cell.Unreadable(why),
            Cell.Address(sock.Sock), Cell.Enum(hashed.Table switch { SocketTable.TcpListening => "lhash2", SocketTable.TcpEstablished => "ehash", _ => "udp" }),
            Cell.Int(hashed.Bucket));
        row.Problem = sock.Problem;
        string type = sock.State switch
        {
            SockInfo.TcpTimeWait when hashed.Table != SocketTable.Udp => "struct inet_timewait_sock",
            SockInfo.TcpNewSynRecv when hashed.Table != SocketTable.Udp => "struct request_sock",
            _ => "struct sock",
        };
        row.WithTarget(type, new ObjectTarget(type, sock.Sock));
    }

    // An unconnected UDP socket is TCP_CLOSE to the kernel; ss calls it UNCONN, and so does this table. A connected one
    // keeps the kernel's name, ESTABLISHED, as TCP's rows do, so that one state means one word in the whole table.
    private static string UdpState(int state) => state == 7 ? "UNCONN" : SockInfo.StateName(state);
}
