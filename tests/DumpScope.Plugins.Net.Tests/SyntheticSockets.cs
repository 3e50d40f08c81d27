namespace DumpScope.Plugins.Net.Tests;

/// <summary>
/// A small kernel laid out with the fixture kernel's own types (the bundled 6.1 BTF), for what the fixtures lack
/// (their guests had no network): task "server" (pid 10) with an fd table of three files — fd 3 a TCP/IPv4
/// socket 10.0.0.1:22 ↔ 10.0.0.2:50000 (ESTABLISHED), fd 4 a regular file, fd 5 a UDP/IPv6 socket bound to
/// [2001:db8::1]:53 — and tcp_hashinfo / udp_table holding them plus a listener on 0.0.0.0:22.
/// </summary>
internal sealed class SyntheticSockets
{
    // Each object on its own 64 KiB of the direct map: the task and its fd table, the files, their inodes (two inside
    // socket_alloc), the socks, then tcp_hashinfo, its buckets and udp_table.
    public const ulong Task = 0xffff_8880_0100_0000, Files = Task + 0x10_0000, Fdt = Files + 0x1_0000, FdArray = Files + 0x2_0000;
    public const ulong TcpFile = 0xffff_8880_0120_0000, RegularFile = TcpFile + 0x1_0000, UdpFile = TcpFile + 0x2_0000;
    public const ulong TcpSocketAlloc = 0xffff_8880_0130_0000, RegularInode = TcpSocketAlloc + 0x1_0000, UdpSocketAlloc = TcpSocketAlloc + 0x2_0000;
    public const ulong TcpSock = 0xffff_8880_0140_0000, UdpSock = TcpSock + 0x10_0000, Listener = TcpSock + 0x20_0000;
    public const ulong HashInfo = 0xffff_8880_0200_0000, Ehash = HashInfo + 0x1_0000, Lhash2 = HashInfo + 0x2_0000;
    public const ulong UdpTable = HashInfo + 0x3_0000, UdpHash = HashInfo + 0x4_0000;

    /// <summary>The ehash bucket the TCP socket hangs on, and the lhash2 and UDP buckets of the others.</summary>
    public const int EhashBucket = 2, LhashBucket = 1, UdpBucket = 0;

    public SyntheticSockets()
    {
        Kernel = new SyntheticKernel(ReferenceTypes.Debian61);
        Kernel.Memory.Write(Task, new byte[(int)Kernel.T("struct task_struct").Size]);
        Set("struct task_struct", Task, "pid", 10);
        Set("struct task_struct", Task, "tgid", 10);
        Kernel.SetString("struct task_struct", Task, "comm", "server");
        Set("struct task_struct", Task, "files", Files);

        Kernel.Zero("struct files_struct", Files);
        Set("struct files_struct", Files, "fdt", Fdt);
        Kernel.Zero("struct fdtable", Fdt);
        Set("struct fdtable", Fdt, "max_fds", 8);
        Set("struct fdtable", Fdt, "fd", FdArray);
        Kernel.Memory.Write(FdArray, new byte[64]);
        Kernel.Memory.WriteU64(FdArray + 3 * 8, TcpFile);
        Kernel.Memory.WriteU64(FdArray + 4 * 8, RegularFile);
        Kernel.Memory.WriteU64(FdArray + 5 * 8, UdpFile);

        ulong inodeOffset = Kernel.Offset("struct socket_alloc", "vfs_inode");
        File(TcpFile, TcpSocketAlloc + inodeOffset, 0xc1ff);
        File(RegularFile, RegularInode, 0x81a4);
        File(UdpFile, UdpSocketAlloc + inodeOffset, 0xc1ff);
        Socket(TcpSocketAlloc, TcpSock, type: 1, state: 3);
        Socket(UdpSocketAlloc, UdpSock, type: 2, state: 1);

        Sock(TcpSock, family: 2, state: 1, type: 1, protocol: 6, port: 22, dport: 50000);
        Kernel.Memory.Write(TcpSock + Kernel.Offset("struct sock_common", "skc_rcv_saddr"), [10, 0, 0, 1]);
        Kernel.Memory.Write(TcpSock + Kernel.Offset("struct sock_common", "skc_daddr"), [10, 0, 0, 2]);
        Sock(UdpSock, family: 10, state: 7, type: 2, protocol: 17, port: 53, dport: 0);
        Kernel.Memory.Write(UdpSock + Kernel.Offset("struct sock_common", "skc_v6_rcv_saddr"), System.Net.IPAddress.Parse("2001:db8::1").GetAddressBytes());
        Sock(Listener, family: 2, state: 10, type: 1, protocol: 6, port: 22, dport: 0);

        // tcp_hashinfo: 4 ehash buckets, 2 lhash2 buckets; every empty nulls chain ends in its bucket's marker.
        Kernel.Symbols.Add("tcp_hashinfo", HashInfo);
        Kernel.Zero("struct inet_hashinfo", HashInfo);
        Set("struct inet_hashinfo", HashInfo, "ehash", Ehash);
        Set("struct inet_hashinfo", HashInfo, "ehash_mask", 3);
        Set("struct inet_hashinfo", HashInfo, "lhash2", Lhash2);
        Set("struct inet_hashinfo", HashInfo, "lhash2_mask", 1);
        for (ulong b = 0; b < 4; b++) Kernel.Memory.WriteU64(Ehash + b * 8, (b << 1) | 1);
        ulong nulls = Kernel.Offset("struct sock_common", "skc_nulls_node");
        Kernel.Memory.WriteU64(Ehash + EhashBucket * 8, TcpSock + nulls);
        Kernel.Memory.WriteU64(TcpSock + nulls, (EhashBucket << 1) | 1);
        ulong lstride = Kernel.T("struct inet_listen_hashbucket").Size, lhead = Kernel.Offset("struct inet_listen_hashbucket", "nulls_head");
        Kernel.Memory.Write(Lhash2, new byte[(int)(lstride * 2)]);
        Kernel.Memory.WriteU64(Lhash2 + lhead, 1);
        Kernel.Memory.WriteU64(Lhash2 + LhashBucket * lstride + lhead, Listener + nulls);
        Kernel.Memory.WriteU64(Listener + nulls, 3);

        // udp_table: 2 slots, plain hlists through skc_node.
        Kernel.Symbols.Add("udp_table", UdpTable);
        Kernel.Zero("struct udp_table", UdpTable);
        Set("struct udp_table", UdpTable, "hash", UdpHash);
        Set("struct udp_table", UdpTable, "mask", 1);
        ulong ustride = Kernel.T("struct udp_hslot").Size;
        Kernel.Memory.Write(UdpHash, new byte[(int)(ustride * 2)]);
        Kernel.Memory.WriteU64(UdpHash + UdpBucket * ustride, UdpSock + Kernel.Offset("struct sock_common", "skc_node"));
    }

    public SyntheticKernel Kernel { get; }

    // Two network namespaces on net_namespace_list: init_net on tcp_hashinfo, a child with its own ehash (two buckets)
    // holding one socket, 10.0.0.3:8080 ↔ 10.0.0.4:40000.
    public const ulong NetList = 0xffff_8880_0300_0000, InitNet = NetList + 0x10_0000, ChildNet = NetList + 0x20_0000;
    public const ulong ChildHashInfo = NetList + 0x30_0000, ChildEhash = ChildHashInfo + 0x1_0000, ChildSock = NetList + 0x40_0000;

    /// <summary>Adds the two namespaces (6.1's per-netns ehash: net->ipv4.tcp_death_row.hashinfo names the table).</summary>
    public SyntheticSockets WithNamespaces()
    {
        ulong list = Kernel.Offset("struct net", "list");
        ulong hashinfo = Kernel.Offset("struct net", "ipv4") + Kernel.Offset("struct netns_ipv4", "tcp_death_row")
            + Kernel.Offset("struct inet_timewait_death_row", "hashinfo");
        Kernel.Symbols.Add("net_namespace_list", NetList);
        Kernel.Memory.WriteU64(NetList, InitNet + list);
        Kernel.Memory.WriteU64(NetList + 8, ChildNet + list);
        foreach (var (net, next, prev, table) in new[] { (InitNet, ChildNet + list, NetList, HashInfo), (ChildNet, NetList, InitNet + list, ChildHashInfo) })
        {
            Kernel.Zero("struct net", net);
            Kernel.Memory.WriteU64(net + list, next);
            Kernel.Memory.WriteU64(net + list + 8, prev);
            Kernel.Memory.WriteU64(net + hashinfo, table);
        }
        Kernel.Zero("struct inet_hashinfo", ChildHashInfo);
        Set("struct inet_hashinfo", ChildHashInfo, "ehash", ChildEhash);
        Set("struct inet_hashinfo", ChildHashInfo, "ehash_mask", 1);
        // the per-netns table shares the global listening hash (inet_pernet_hashinfo_alloc copies lhash2)
        Set("struct inet_hashinfo", ChildHashInfo, "lhash2", Lhash2);
        Set("struct inet_hashinfo", ChildHashInfo, "lhash2_mask", 1);
        ulong nulls = Kernel.Offset("struct sock_common", "skc_nulls_node");
        Kernel.Memory.WriteU64(ChildEhash, 1);
        Kernel.Memory.WriteU64(ChildEhash + 8, ChildSock + nulls);
        Sock(ChildSock, family: 2, state: 1, type: 1, protocol: 6, port: 8080, dport: 40000);
        Kernel.Memory.Write(ChildSock + Kernel.Offset("struct sock_common", "skc_rcv_saddr"), [10, 0, 0, 3]);
        Kernel.Memory.Write(ChildSock + Kernel.Offset("struct sock_common", "skc_daddr"), [10, 0, 0, 4]);
        Kernel.Memory.WriteU64(ChildSock + nulls, 3);
        return this;
    }

    /// <summary>Where the child namespace's tcp_death_row.hashinfo pointer is.</summary>
    public ulong ChildHashInfoPointer => ChildNet + Kernel.Offset("struct net", "ipv4") + Kernel.Offset("struct netns_ipv4", "tcp_death_row")
        + Kernel.Offset("struct inet_timewait_death_row", "hashinfo");

    public ulong Offset(string type, string member) => Kernel.Offset(type, member);

    private void Set(string type, ulong address, string member, ulong value) => Kernel.Set(type, address, member, value);

    private void File(ulong file, ulong inode, ulong mode)
    {
        Kernel.Zero("struct file", file);
        Set("struct file", file, "f_inode", inode);
        Kernel.Memory.Write(inode, new byte[(int)Kernel.T("struct inode").Size]);
        Set("struct inode", inode, "i_mode", mode);
    }

    private void Socket(ulong alloc, ulong sock, ulong type, ulong state)
    {
        Kernel.Zero("struct socket", alloc);
        Set("struct socket", alloc, "sk", sock);
        Set("struct socket", alloc, "type", type);
        Set("struct socket", alloc, "state", state);
    }

    private void Sock(ulong sock, ulong family, ulong state, ulong type, ulong protocol, ushort port, ushort dport)
    {
        Kernel.Zero("struct sock", sock);
        Set("struct sock_common", sock, "skc_family", family);
        Set("struct sock_common", sock, "skc_state", state);
        Set("struct sock_common", sock, "skc_num", port);
        Set("struct sock_common", sock, "skc_dport", BinaryPrimitives.ReverseEndianness(dport));
        Set("struct sock", sock, "sk_type", type);
        Set("struct sock", sock, "sk_protocol", protocol);
    }
}
