using System.Net;
using System.Text.RegularExpressions;
using DumpScope.Plugins.Net.Commands;
using DumpScope.Sdk.Linux.Net;

namespace DumpScope.Plugins.Net.Tests;

/// <summary>
/// net -s and sockets: on a synthetic kernel with the 6.1 layout (sockets in an fd table and in the hash tables,
/// with cycles and excluded pages), and on the real dumps (whose guests had no network: no sockets, and tables of
/// the sizes the boot log gives), k510 against crash 8.0.2.
/// </summary>
public sealed class SocketTests(NetSessions sessions) : IClassFixture<NetSessions>
{
    private static CommandResult Run(IKernel kernel, ICommand command, string line) => NetTests.Run(kernel, command, line);

    private static TableBlock Table(CommandResult result) => result.Blocks.OfType<TableBlock>().Single();

    [Fact]
    public void Net_s_lists_a_task_s_inet_sockets_with_addresses_ports_and_targets()
    {
        var world = new SyntheticSockets();
        var result = Run(world.Kernel, new NetCommand { Sockets = true, Selectors = [SyntheticSockets.Task.ToString("x", CultureInfo.InvariantCulture)] }, "net -s");
        result.Failed.Should().BeFalse(result.Error);
        var rows = Table(result).Rows;
        rows.Select(r => r.Cells[2].Value).Should().Equal(3L, 5L);
        var tcp = rows[0];
        tcp.Cells[3].Value.Should().Be(SyntheticSockets.TcpSocketAlloc, "SOCKET_I: the socket sits before the inode in its socket_alloc");
        tcp.Cells[4].Value.Should().Be(SyntheticSockets.TcpSock);
        tcp.Cells.Skip(5).Select(c => c.Value).Should().Equal("INET", "STREAM", "ESTABLISHED", "10.0.0.1", 22L, "10.0.0.2", 50000L);
        var udp = rows[1];
        udp.Cells.Skip(5).Select(c => c.Value).Should().Equal("INET6", "DGRAM", "CLOSE", "2001:db8::1", 53L, "::", 0L);
        tcp.Targets.Select(t => t.Subject).OfType<ObjectTarget>().Select(o => o.Type).Should().Contain(["struct file", "struct socket", "struct sock"]);
        CrashReference.Text(result).Should().Equal(
            "PID: 10       TASK: ffff888001000000  CPU: 0    COMMAND: \"server\"",
            NetSockets.Header,
            " 3 ffff888001300000  ffff888001400000  INET:STREAM        10.0.0.1-22  10.0.0.2-50000",
            " 5 ffff888001320000  ffff888001500000  INET6:DGRAM        2001:db8::1-53  ::-0");
    }

    [Theory]
    [InlineData("5", new long[] { 5 })]
    [InlineData("ffff888001300000", new long[] { 3 })] // the TCP socket (struct socket)
    [InlineData("0xffff888001500000", new long[] { 5 })] // the UDP sock (struct sock)
    public void Net_s_R_shows_only_the_referenced_socket(string reference, long[] fds)
    {
        var world = new SyntheticSockets();
        var result = Run(world.Kernel, new NetCommand { Sockets = true, Reference = reference, Selectors = [SyntheticSockets.Task.ToString("x", CultureInfo.InvariantCulture)] }, "net -s -R");
        result.Failed.Should().BeFalse(result.Error);
        Table(result).Rows.Select(r => r.Cells[2].Value).Should().Equal(fds.Cast<object>());
    }

    [Fact]
    public void Net_s_R_leaves_out_a_task_without_the_socket_as_crash_does()
    {
        var world = new SyntheticSockets();
        var result = Run(world.Kernel, new NetCommand { Sockets = true, Reference = "ffff888000abc000", Selectors = [SyntheticSockets.Task.ToString("x", CultureInfo.InvariantCulture)] }, "net -s -R");
        result.Failed.Should().BeFalse(result.Error);
        result.Blocks.Should().BeEmpty();
        result.Warnings.Should().BeEmpty();
        var bad = () => Run(world.Kernel, new NetCommand { Sockets = true, Reference = "fd3" }, "net -s -R");
        bad.Should().Throw<UsageException>().WithMessage("net -R: 'fd3' is neither a file descriptor nor a socket or sock address");
    }

    [Theory]
    [InlineData("0x0100007f", "127.0.0.1")]
    [InlineData("16777343", "127.0.0.1")]
    [InlineData("0xfe01a8c0", "192.168.1.254")]
    public void Net_N_prints_the_address_whose_value_in_memory_is_given(string value, string dotted)
    {
        var result = Run(new SyntheticSockets().Kernel, new NetCommand { Number = value }, "net -N");
        CrashReference.Text(result).Should().Equal(dotted);
        var bad = () => Run(new SyntheticSockets().Kernel, new NetCommand { Number = "0x1ffffffff" }, "net -N");
        bad.Should().Throw<UsageException>().WithMessage("net -N: '0x1ffffffff' is not a 32-bit decimal or 0x-hexadecimal number");
    }

    [Fact]
    public void Net_n_lists_the_devices_of_the_task_s_own_namespace()
    {
        var world = new SyntheticSockets().WithNamespaces();
        var k = world.Kernel;
        const ulong Nsproxy = 0xffff_8880_0500_0000, Device = 0xffff_8880_0510_0000;
        k.Zero("struct nsproxy", Nsproxy);
        k.Set("struct nsproxy", Nsproxy, "net_ns", SyntheticSockets.ChildNet);
        k.Set("struct task_struct", SyntheticSockets.Task, "nsproxy", Nsproxy);
        k.Zero("struct net_device", Device);
        k.SetString("struct net_device", Device, "name", "veth0");
        ulong head = SyntheticSockets.ChildNet + k.Offset("struct net", "dev_base_head"), node = Device + k.Offset("struct net_device", "dev_list");
        k.Memory.WriteU64(head, node);
        k.Memory.WriteU64(head + 8, node);
        k.Memory.WriteU64(node, head);
        k.Memory.WriteU64(node + 8, head);
        string task = SyntheticSockets.Task.ToString("x", CultureInfo.InvariantCulture);
        var result = Run(k, new NetCommand { Namespace = true, Selectors = [task] }, "net -n");
        result.Failed.Should().BeFalse(result.Error);
        var row = Table(result).Rows.Should().ContainSingle().Subject;
        row.Cells[0].Value.Should().Be(Device);
        row.Cells[1].Value.Should().Be("veth0");

        k.Set("struct task_struct", SyntheticSockets.Task, "nsproxy", 0);
        var exited = Run(k, new NetCommand { Namespace = true, Selectors = [task] }, "net -n");
        exited.Error.Should().Be($"net -n: task {task} has no nsproxy (it has exited)");
    }

    [Fact]
    public void A_socket_whose_sock_is_excluded_is_a_marked_row()
    {
        var world = new SyntheticSockets();
        world.Kernel.Memory.Exclude(SyntheticSockets.TcpSock);
        var result = Run(world.Kernel, new NetCommand { Sockets = true, Selectors = [SyntheticSockets.Task.ToString("x", CultureInfo.InvariantCulture)] }, "net -s");
        result.Failed.Should().BeFalse(result.Error);
        var tcp = Table(result).Rows[0];
        tcp.Cells[5].Absence.Should().Be(Absence.Unreadable);
        tcp.Problem.Should().Contain("skc_family");
        Table(result).Rows[1].Problem.Should().BeNull("the other socket is whole");
    }

    [Fact]
    public void Sockets_lists_the_listener_the_established_socket_and_udp_from_the_hash_tables()
    {
        var world = new SyntheticSockets();
        var result = Run(world.Kernel, new SocketsCommand(), "sockets");
        result.Failed.Should().BeFalse(result.Error);
        result.Warnings.Should().BeEmpty();
        var rows = Table(result).Rows.Select(r => r.Cells.Select(c => c.Value).ToArray()).ToArray();
        rows.Should().HaveCount(3);
        rows[0].Should().Equal("tcp", "LISTEN", "0.0.0.0:22", "0.0.0.0:*", SyntheticSockets.Listener, "lhash2", (long)SyntheticSockets.LhashBucket);
        rows[1].Should().Equal("tcp", "ESTABLISHED", "10.0.0.1:22", "10.0.0.2:50000", SyntheticSockets.TcpSock, "ehash", (long)SyntheticSockets.EhashBucket);
        rows[2].Should().Equal("udp6", "UNCONN", "[2001:db8::1]:53", "[::]:*", SyntheticSockets.UdpSock, "udp", (long)SyntheticSockets.UdpBucket);
        Table(Run(world.Kernel, new SocketsCommand { Tcp = true, Listening = true }, "sockets -t -l")).Rows.Should().ContainSingle();
        Table(Run(world.Kernel, new SocketsCommand { Udp = true }, "sockets -u")).Rows.Should().ContainSingle();
    }

    [Fact]
    public void A_cycle_in_an_ehash_chain_is_cut_and_reported_and_the_other_tables_still_list()
    {
        var world = new SyntheticSockets();
        ulong node = SyntheticSockets.TcpSock + world.Offset("struct sock_common", "skc_nulls_node");
        world.Kernel.Memory.WriteU64(node, node);   // next → itself, never the nulls marker
        var result = Run(world.Kernel, new SocketsCommand(), "sockets");
        result.Failed.Should().BeFalse(result.Error);
        result.Warnings.Should().ContainSingle(w => w.Contains("ehash") && w.Contains("bucket 2") && w.Contains("twice"));
        Table(result).Rows.Count(r => r.Cells[4].Value is ulong s && s == SyntheticSockets.TcpSock).Should().Be(1);
        Table(result).Rows.Should().HaveCount(3);
    }

    [Fact]
    public void An_impossible_mask_and_an_excluded_bucket_array_are_warnings_not_failures()
    {
        var world = new SyntheticSockets();
        world.Kernel.Set("struct inet_hashinfo", SyntheticSockets.HashInfo, "ehash_mask", 0xffff_ffff);
        world.Kernel.Memory.Exclude(SyntheticSockets.UdpHash);
        var result = Run(world.Kernel, new SocketsCommand(), "sockets");
        result.Failed.Should().BeFalse(result.Error);
        result.Warnings.Should().Contain(w => w.Contains("impossible")).And.Contain(w => w.Contains("udp_table") && w.Contains("bucket 0"));
        Table(result).Rows.Should().ContainSingle(r => (string)r.Cells[1].Value! == "LISTEN");
    }

    [Fact]
    public void Sockets_walks_each_namespace_s_own_ehash_once_beside_tcp_hashinfo()
    {
        var world = new SyntheticSockets().WithNamespaces();
        var result = Run(world.Kernel, new SocketsCommand { Tcp = true }, "sockets -t");
        result.Failed.Should().BeFalse(result.Error);
        result.Warnings.Should().BeEmpty();
        var rows = Table(result).Rows.Select(r => r.Cells.Select(c => c.Value).ToArray()).ToArray();
        // init_net names tcp_hashinfo itself: its sockets are listed once; the child's table adds its own socket.
        rows.Should().HaveCount(3);
        rows.Count(r => (ulong)r[4]! == SyntheticSockets.TcpSock).Should().Be(1);
        rows[2].Should().Equal("tcp", "ESTABLISHED", "10.0.0.3:8080", "10.0.0.4:40000", SyntheticSockets.ChildSock, "ehash", 1L);
        InetHashtables.TcpHashInfos(world.Kernel).Tables.Select(t => t.Address).Should().Equal(SyntheticSockets.HashInfo, SyntheticSockets.ChildHashInfo);
    }

    [Fact]
    public void A_namespace_table_pointer_that_is_no_kernel_address_is_a_warning_and_the_global_tables_still_list()
    {
        var world = new SyntheticSockets().WithNamespaces();
        world.Kernel.Memory.WriteU64(world.ChildHashInfoPointer, 0x4141_4141_4141_4141);
        var result = Run(world.Kernel, new SocketsCommand { Tcp = true }, "sockets -t");
        result.Failed.Should().BeFalse(result.Error);
        result.Warnings.Should().ContainSingle(w => w.Contains("tcp_death_row.hashinfo 4141414141414141 is not a kernel address"));
        Table(result).Rows.Should().HaveCount(2);
    }

    [Fact]
    public void A_cycle_in_net_namespace_list_is_cut_and_reported()
    {
        var world = new SyntheticSockets().WithNamespaces();
        ulong list = world.Offset("struct net", "list");
        world.Kernel.Memory.WriteU64(SyntheticSockets.ChildNet + list, SyntheticSockets.InitNet + list);   // child → init_net again
        var result = Run(world.Kernel, new SocketsCommand { Tcp = true }, "sockets -t");
        result.Failed.Should().BeFalse(result.Error);
        result.Warnings.Should().ContainSingle(w => w.Contains("net_namespace_list"));
        Table(result).Rows.Should().HaveCount(3, "both namespaces were reached before the cycle");
    }

    [Fact]
    public void Hlist_nulls_walks_stop_at_the_nulls_marker()
    {
        var memory = new SyntheticMemory();
        const ulong head = 0xffff_8880_0000_1000, a = 0xffff_8880_0000_2000, b = 0xffff_8880_0000_3000;
        memory.WriteU64(head, a);
        memory.WriteU64(a, b);
        memory.WriteU64(b, (7 << 1) | 1);
        var walk = KernelLists.HlistNullsForEach(memory, head, 10);
        walk.IsComplete.Should().BeTrue();
        walk.Items.Should().Equal(a, b);
        memory.WriteU64(head, 1);
        KernelLists.HlistNullsForEach(memory, head, 10).Items.Should().BeEmpty("an empty chain is only its marker");
        KernelLists.IsNulls(0x2001).Should().BeTrue();
    }

    [Fact]
    public void Endpoints_print_as_ss_prints_them()
    {
        SockInfo.Endpoint(IPAddress.Parse("127.0.0.1"), 0).Should().Be("127.0.0.1:*");
        SockInfo.Endpoint(IPAddress.Parse("::1"), 631).Should().Be("[::1]:631");
        SockInfo.StateName(12).Should().Be("NEW_SYN_RECV");
        SockInfo.FamilyName(16).Should().Be("NETLINK");
    }

    [SkippableTheory]
    [InlineData("net -s 1", "net-s-1")]
    [InlineData("net -s 98", "net-s-98")]
    [InlineData("net", "net")]
    [InlineData("net -n 98", "net")] // crash 8.0.2 printed the same device list for -n 98: the guest has one namespace
    public void K510_net_is_crash_s(string command, string reference)
    {
        var session = sessions.Session("k510/vmcore.kdump-zlib-d31");
        CrashReference.Ours(session, command).Should().Equal(CrashReference.Bundled("k510", reference));
    }

    [SkippableTheory]
    [InlineData("kd1")]
    [InlineData("kd3")]
    [InlineData("k510")]
    public void The_socket_tables_have_the_boot_log_s_sizes_and_hold_nothing_on_a_guest_without_network(string fixture)
    {
        var session = sessions.Session($"{fixture}/vmcore.kdump-zlib-d31");
        var dmesg = File.ReadAllText(DumpScope.Testing.Fixtures.Require($"{fixture}/dmesg.txt"));
        ulong Entries(string table) => ulong.Parse(Regex.Match(dmesg, $@"\] {Regex.Escape(table)} hash table entries: (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var counts = InetHashtables.BucketCounts(session.Kernel());
        counts.Should().Be((Entries("TCP established"), Entries("tcp_listen_portaddr_hash"), Entries("UDP")));
        var result = session.Run("sockets");
        result.Failed.Should().BeFalse(result.Error);
        result.Warnings.Should().BeEmpty();
        result.Blocks.OfType<TableBlock>().Single().Rows.Should().BeEmpty("the workload opened no socket");
    }

    [SkippableFact]
    public void A_5_10_listener_hangs_on_lhash2_through_icsk_listen_portaddr_node()
    {
        // k510's kernel predates the 5.19 change: plant init_net's rtnetlink socket (a real struct sock, the
        // dump's own bytes) in lhash2 bucket 0 the 5.10 way, and the walk must find it there.
        var kernel = sessions.Session("k510/vmcore.kdump-zlib-d31").Kernel();
        kernel.Types.Require("struct inet_connection_sock").Resolve().HasMember("icsk_listen_portaddr_node").Should().BeTrue();
        kernel.Symbols.TryGetAddress("init_net", out var net).Should().BeTrue();
        ulong sock = kernel.Memory.ReadU64(net + kernel.Types.Require("struct net").Resolve().FindMember("rtnl").Offset);
        kernel.Symbols.TryGetAddress("tcp_hashinfo", out var hashinfo).Should().BeTrue();
        ulong lhash2 = kernel.Memory.ReadU64(hashinfo + kernel.Types.Require("struct inet_hashinfo").Resolve().FindMember("lhash2").Offset);
        ulong node = sock + kernel.Types.Require("struct inet_connection_sock").Resolve().FindMember("icsk_listen_portaddr_node").Offset;
        var patches = new FaultInjectingMemory(kernel.Memory, kernel.PageSize);
        patches.Patch(lhash2 + kernel.Types.Require("struct inet_listen_hashbucket").Resolve().FindMember("head").Offset, node).Patch(node, 0);
        var walk = InetHashtables.TcpListening(new KernelWithMemory(kernel, patches, new RuntimeSizeRegistry()));
        walk.IsComplete.Should().BeTrue(walk.Problem);
        var found = walk.Items.Should().ContainSingle().Subject;
        found.Bucket.Should().Be(0);
        found.Sock.Sock.Should().Be(sock);
        found.Sock.Family.Should().Be(16, "rtnl is an AF_NETLINK socket");
        found.Sock.Type.Should().Be(2, "netlink_kernel_create makes a SOCK_DGRAM socket");
        found.Sock.Protocol.Should().Be(0, "NETLINK_ROUTE");
    }
}
