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
    /// The established hash: every socket on <c>tcp_hashinfo.ehash</c> (IPv4 and IPv6 TCP sockets past LISTEN,
    /// timewait and request socks). Per-namespace tables (6.1's <c>net.ipv4.tcp_child_ehash_entries</c>) are not walked.
    /// </summary>
    public static WalkResult<HashedSocket> TcpEstablished(IKernel kernel, CancellationToken cancellation = default)
    {
        var info = HashInfo(kernel);
        var bucket = StructLayout.Probe(kernel, "struct inet_ehash_bucket");
        return ForEachBucket(kernel, SocketTable.TcpEstablished, info["ehash"].ReadPointer(), info["ehash_mask"].ReadUnsigned(), bucket.Size,
            bucket.Require("chain").Offset, nulls: true, Sockets.SkNullsNodeOffset(kernel), cancellation);
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

    /// <summary>The UDP hash by port, <c>udp_table.hash</c> (or the table named <paramref name="symbol"/>, e.g. udplite_table).</summary>
    public static WalkResult<HashedSocket> Udp(IKernel kernel, string symbol = "udp_table", CancellationToken cancellation = default)
    {
        if (!kernel.Symbols.TryGetAddress(symbol, out var address)) throw new TypeNotFoundException($"{symbol} is not in {kernel.Symbols.Source}");
        var table = kernel.Object("struct udp_table", address);
        var slot = StructLayout.Probe(kernel, "struct udp_hslot");
        return ForEachBucket(kernel, SocketTable.Udp, table["hash"].ReadPointer(), table["mask"].ReadUnsigned(), slot.Size, slot.Require("head").Offset,
            nulls: false, Sockets.SkNodeOffset(kernel), cancellation);
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
        bool nulls, ulong nodeOffset, CancellationToken cancellation)
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
            int room = Bound - items.Count;
            var chain = nulls ? KernelLists.HlistNullsForEach(kernel.Memory, head, room, cancellation) : KernelLists.HlistForEach(kernel.Memory, head, room, cancellation);
            if (chain.Problem is not null && problem is null) (end, problem) = (chain.End, $"{which} bucket {b}: {chain.Problem}");
            foreach (ulong node in chain.Items)
                items.Add(new HashedSocket(which, (int)b, Sockets.ReadSock(kernel, node - nodeOffset)));
            if (items.Count >= Bound) return new(items, WalkEnd.BoundReached, $"{which}: stopped after {Bound} sockets");
        }
        return new(items, end, problem);
    }
}
