namespace DumpScope.Sdk.Linux.Net;

/// <summary>Which of the kernel's socket hash tables a socket was found in.</summary>
public enum SocketTable
{
    /// <summary>tcp_hashinfo.ehash: established, timewait and request sockets.</summary>
    TcpEstablished,

    /// <summary>tcp_hashinfo.lhash2: listening sockets.</summary>
    TcpListening,

    /// <summary>udp_table.hash.</summary>
    Udp,
}

/// <summary>A socket found in a hash table, with its bucket.</summary>
/// <param name="Table">The table.</param>
/// <param name="Bucket">The bucket index.</param>
/// <param name="Sock">What its sock_common says.</param>
public sealed record HashedSocket(SocketTable Table, int Bucket, SockInfo Sock);

/// <summary>
/// The protocol socket hash tables (net/ipv4/inet_hashtables.c, net/ipv4/udp.c) that <c>ss</c> reads through
/// netlink: <c>tcp_hashinfo</c>'s established hash (<c>ehash[ehash_mask + 1]</c>, hlist_nulls chains through
/// <c>skc_nulls_node</c>) and listening hash (<c>lhash2[lhash2_mask + 1]</c>), and <c>udp_table</c>'s
/// <c>hash[mask + 1]</c> (hlists through <c>skc_node</c>). Each bucket's chain is bounded and cycle-aware; a damaged
/// bucket is a problem and the walk goes on with the next.
/// </summary>
public static class InetHashtables
{
    /// <summary>At most this many sockets are listed from one table.</summary>
    public const int Bound = 1 << 20;

    /// <summary>A table of more buckets than this (2^26) is taken for a corrupt mask.</summary>
    public const uint MaxBuckets = 1u << 26;

    /// <summary>
    /// The established hashes: every socket on <c>tcp_hashinfo.ehash</c> (IPv4 and IPv6 TCP sockets past LISTEN,
    /// timewait and request socks) and on each network namespace's own ehash. A namespace gets its own table when
    /// net.ipv4.tcp_child_ehash_entries was set before it was created (commit d1e5e6408b30 "tcp: Introduce optional
    /// per-netns ehash", 6.1): its <c>net->ipv4.tcp_death_row</c> (a struct, or a pointer to one between 6.0's
    /// change and e9bd0cca09d1) then names another <c>hashinfo</c>. Each distinct table is walked once.
    /// </summary>
    public static WalkResult<HashedSocket> TcpEstablished(IKernel kernel, CancellationToken cancellation = default)
    {
        var bucket = StructLayout.Probe(kernel, "struct inet_ehash_bucket");
        var (tables, problem) = TcpHashInfos(kernel, cancellation);
        return EachTable(tables, problem, "inet_hashinfo", (info, listed) => ForEachBucket(kernel, SocketTable.TcpEstablished, info["ehash"].ReadPointer(),
            info["ehash_mask"].ReadUnsigned(), bucket.Size, bucket.Require("chain").Offset, nulls: true, Sockets.SkNullsNodeOffset(kernel), cancellation, listed));
    }

    // The sockets of each table in turn (walk gets the table and how many were listed before it); the first
    // problem is kept, naming its table when there are several.
    private static WalkResult<HashedSocket> EachTable(IReadOnlyList<KernelObject> tables, string? problem, string what,
        Func<KernelObject, int, WalkResult<HashedSocket>> walk)
    {
        var items = new List<HashedSocket>();
        var end = problem is null ? WalkEnd.Completed : WalkEnd.CorruptLink;
        foreach (var table in tables)
        {
            var found = walk(table, items.Count);
            items.AddRange(found.Items);
            if (found.Problem is not null && problem is null)
                (end, problem) = (found.End, tables.Count == 1 ? found.Problem : $"{what} {table.Address:x}: {found.Problem}");
            if (found.End is WalkEnd.Cancelled or WalkEnd.BoundReached) break;
        }
        return new(items, end, problem);
    }

    /// <summary>
    /// The TCP hash tables in use: <c>tcp_hashinfo</c> first, then each namespace's own (see
    /// <see cref="TcpEstablished"/>), each once. A namespace list that cannot be walked leaves tcp_hashinfo alone
    /// and says why.
    /// </summary>
    public static (IReadOnlyList<KernelObject> Tables, string? Problem) TcpHashInfos(IKernel kernel, CancellationToken cancellation = default)
    {
        var global = HashInfo(kernel);
        bool perNetns = StructLayout.TryProbe(kernel, "struct netns_ipv4")?.Find("tcp_death_row") is not null
            && StructLayout.TryProbe(kernel, "struct inet_timewait_death_row")?.Find("hashinfo") is not null;
        if (!perNetns) return ([global], null);
        return PerNamespaceTables(kernel, global, "struct inet_hashinfo", "tcp_death_row.hashinfo", ipv4 =>
        {
            var row = ipv4["tcp_death_row"];
            if (row.Type.Resolve().Kind == TypeKind.Pointer)
            {
                if (!row.TryReadUnsigned(out var pointer, out var fault)) return (null, fault!.Message);
                if (pointer == 0) return (0, null);
                row = row.Deref();
            }
            return row["hashinfo"].TryReadUnsigned(out var table, out var why) ? (table, null) : (null, why!.Message);
        }, cancellation);
    }

    /// <summary>
    /// The UDP tables in use: <c>udp_table</c> first, then each namespace's own <c>net->ipv4.udp_table</c> (set when
    /// net.ipv4.udp_child_hash_entries was, commit 9804985bf27f "udp: Introduce optional per-netns hash table", 6.2).
    /// </summary>
    public static (IReadOnlyList<KernelObject> Tables, string? Problem) UdpTables(IKernel kernel, CancellationToken cancellation = default)
    {
        if (!kernel.Symbols.TryGetAddress("udp_table", out var address)) throw new TypeNotFoundException($"udp_table is not in {kernel.Symbols.Source}");
        var global = kernel.Object("struct udp_table", address);
        if (StructLayout.TryProbe(kernel, "struct netns_ipv4")?.Find("udp_table") is not { } member || member.Type.Resolve().Kind != TypeKind.Pointer)
            return ([global], null);
        return PerNamespaceTables(kernel, global, "struct udp_table", "udp_table", ipv4 =>
            ipv4["udp_table"].TryReadUnsigned(out var table, out var why) ? (table, null) : (null, why!.Message), cancellation);
    }

    // The global table, then each distinct non-NULL table a namespace's net->ipv4 names (read by tableOf).
    private static (IReadOnlyList<KernelObject> Tables, string? Problem) PerNamespaceTables(IKernel kernel, KernelObject global, string typeName,
        string member, Func<KernelObject, (ulong? Table, string? Why)> tableOf, CancellationToken cancellation)
    {
        var tables = new List<KernelObject> { global };
        if (!kernel.Symbols.TryGetAddress("net_namespace_list", out _)) return (tables, null);
        var seen = new HashSet<ulong> { global.Address };
        string? problem = null;
        try
        {
            ulong ipv4 = StructLayout.Probe(kernel, "struct net").Require("ipv4").Offset;
            var netnsIpv4 = kernel.Types.Require("struct netns_ipv4");
            var nets = NetNamespaces.ForEachNet(kernel, cancellation);
            if (nets.Problem is not null) problem = $"net_namespace_list: {nets.Problem}";
            foreach (ulong net in nets.Items)
            {
                var (table, why) = tableOf(new KernelObject(kernel, netnsIpv4, net + ipv4));
                if (table is not { } t)
                {
                    problem ??= $"net {net:x}: {member}: {why}";
                    continue;
                }
                if (t == 0 || !seen.Add(t)) continue;
                if (!KernelAddress.IsKernel(t))
                {
                    problem ??= $"net {net:x}: {member} {t:x} is not a kernel address";
                    continue;
                }
                tables.Add(kernel.Object(typeName, t));
            }
        }
        catch (Exception e) when (e is TypeNotFoundException || KernelDataErrors.IsDataProblem(e))
        {
            problem ??= $"per-namespace {member}: {KernelDataErrors.Reason(e)}";
        }
        return (tables, problem);
    }

    /// <summary>
    /// The listening hash <c>tcp_hashinfo.lhash2</c> (by port and address). Its chains changed in the series of
    /// commit cae3873c5b3a "net: inet: Retire port only listening_hash" (5.19): before, a bucket's <c>head</c> was a
    /// plain hlist of <c>inet_connection_sock.icsk_listen_portaddr_node</c> (and the port-only
    /// <c>listening_hash[32]</c> held the same sockets again); since, <c>nulls_head</c> chains sockets through
    /// <c>skc_nulls_node</c> and icsk_listen_portaddr_node is gone. The member decides which.
    /// </summary>
    public static WalkResult<HashedSocket> TcpListening(IKernel kernel, CancellationToken cancellation = default)
    {
        var info = HashInfo(kernel);
        var bucket = StructLayout.Probe(kernel, "struct inet_listen_hashbucket");
        var icsk = StructLayout.TryProbe(kernel, "struct inet_connection_sock");
        ulong buckets = info["lhash2"].ReadPointer();
        uint mask = (uint)info["lhash2_mask"].ReadUnsigned();
        if (icsk?.Find("icsk_listen_portaddr_node") is { } portaddr)
            return ForEachBucket(kernel, SocketTable.TcpListening, buckets, mask, bucket.Size, bucket.Require("head").Offset, nulls: false, portaddr.Offset, cancellation);
        return ForEachBucket(kernel, SocketTable.TcpListening, buckets, mask, bucket.Size, bucket.Require("nulls_head").Offset, nulls: true,
            Sockets.SkNullsNodeOffset(kernel), cancellation);
    }

    /// <summary>
    /// The UDP hash by port: <c>udp_table.hash</c> and each namespace's own table (see <see cref="UdpTables"/>), or the
    /// table named <paramref name="symbol"/> alone (e.g. udplite_table).
    /// </summary>
    public static WalkResult<HashedSocket> Udp(IKernel kernel, string symbol = "udp_table", CancellationToken cancellation = default)
    {
        if (!kernel.Symbols.TryGetAddress(symbol, out var address)) throw new TypeNotFoundException($"{symbol} is not in {kernel.Symbols.Source}");
        var (tables, problem) = symbol == "udp_table" ? UdpTables(kernel, cancellation) : ([kernel.Object("struct udp_table", address)], null);
        var slot = StructLayout.Probe(kernel, "struct udp_hslot");
        return EachTable(tables, problem, "udp_table", (table, listed) => ForEachBucket(kernel, SocketTable.Udp, table["hash"].ReadPointer(),
            table["mask"].ReadUnsigned(), slot.Size, slot.Require("head").Offset, nulls: false, Sockets.SkNodeOffset(kernel), cancellation, listed));
    }

    /// <summary>How many buckets each table has: (ehash, lhash2, udp) = mask + 1, as the boot log's "hash table entries" lines count them.</summary>
    public static (ulong Established, ulong Listening, ulong Udp) BucketCounts(IKernel kernel)
    {
        var info = HashInfo(kernel);
        ulong udp = kernel.Symbols.TryGetAddress("udp_table", out var u) ? kernel.Object("struct udp_table", u)["mask"].ReadUnsigned() + 1 : 0;
        return (info["ehash_mask"].ReadUnsigned() + 1, info["lhash2_mask"].ReadUnsigned() + 1, udp);
    }

    private static KernelObject HashInfo(IKernel kernel) =>
        kernel.Symbols.TryGetAddress("tcp_hashinfo", out var address)
            ? kernel.Object("struct inet_hashinfo", address)
            : throw new TypeNotFoundException($"tcp_hashinfo is not in {kernel.Symbols.Source}");

    /// <summary>
    /// Every socket of the buckets <c>buckets[0..mask]</c> (each <paramref name="stride"/> bytes, its chain head at
    /// <paramref name="headOffset"/>), linked through the node at <paramref name="nodeOffset"/> in the sock.
    /// </summary>
    private static WalkResult<HashedSocket> ForEachBucket(IKernel kernel, SocketTable which, ulong buckets, ulong mask, ulong stride, ulong headOffset,
        bool nulls, ulong nodeOffset, CancellationToken cancellation, int alreadyListed = 0)
    {
        var items = new List<HashedSocket>();
        if (buckets == 0) return new(items, WalkEnd.Completed, null);
        if (mask >= MaxBuckets) return new(items, WalkEnd.CorruptLink, $"{which}: mask {mask:x} is impossible (more than {MaxBuckets} buckets)");
        if (!KernelAddress.IsKernel(buckets)) return new(items, WalkEnd.CorruptLink, $"{which}: bucket array {buckets:x} is not a kernel address");
        var end = WalkEnd.Completed;
        string? problem = null;
        for (ulong b = 0; b <= mask; b++)
        {
            if (cancellation.IsCancellationRequested) return new(items, WalkEnd.Cancelled, "cancelled");
            ulong head = buckets + b * stride + headOffset;
            int room = Bound - alreadyListed - items.Count;
            var chain = nulls ? KernelLists.HlistNullsForEach(kernel.Memory, head, room, cancellation) : KernelLists.HlistForEach(kernel.Memory, head, room, cancellation);
            if (chain.Problem is not null && problem is null) (end, problem) = (chain.End, $"{which} bucket {b}: {chain.Problem}");
            foreach (ulong node in chain.Items)
                items.Add(new HashedSocket(which, (int)b, Sockets.ReadSock(kernel, node - nodeOffset)));
            if (alreadyListed + items.Count >= Bound) return new(items, WalkEnd.BoundReached, $"{which}: stopped after {Bound} sockets");
        }
        return new(items, end, problem);
    }
}
