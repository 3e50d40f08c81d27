using System.Net;
using System.Text.RegularExpressions;
using DumpScope.Sdk.Linux.Net;

namespace DumpScope.Plugins.Net.Tests;

/// <summary>
/// The knet dump (tests/fixtures/make-kdump.sh --sockets: Debian 12's 6.1 with lo up and a helper holding TCP, TCP6,
/// UDP and unix sockets on loopback) against the guest's own /proc/net/{tcp,tcp6,udp,udp6} and its helper's pid. The
/// dump lives in ../shared/fixtures/knet only where it was made (tests/fixtures/knet/README.md): the tests skip
/// without it, under CI too.
/// </summary>
public sealed class KnetSocketTests(NetSessions sessions) : IClassFixture<NetSessions>
{
    private static string? Folder => DumpScope.Testing.Fixtures.Root is { } root && File.Exists(Path.Combine(root, "knet", "vmcore.kdump-zlib-d31")) ? Path.Combine(root, "knet") : null;

    private DumpScope.Host.Session.DumpScopeSession Session()
    {
        Skip.IfNot(Folder is not null, "../shared/fixtures/knet is absent (tests/fixtures/knet/README.md says how to make it)");
        return sessions.Session("knet/vmcore.kdump-zlib-d31");
    }

    private static string GroundTruth => File.ReadAllText(Path.Combine(Folder!, "groundtruth-guest.txt"));

    // One socket as ss would print it: proto, state, local and peer endpoints (and the udp hash slot /proc prints first).
    private sealed record Socket(string Proto, string State, string Local, string Peer, long? Slot);

    // /proc/net/tcp and friends: "sl: LOCAL:PORT REMOTE:PORT ST ...", addresses in hex as the kernel's words.
    private static List<Socket> FromProc(string section, string proto)
    {
        var lines = Regex.Match(GroundTruth, $@"^--- net {section}\n(.*?)(?=^--- )", RegexOptions.Multiline | RegexOptions.Singleline).Groups[1].Value
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1);
        var sockets = new List<Socket>();
        foreach (var line in lines)
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int state = Convert.ToInt32(f[3], 16);
            string name = proto.StartsWith("udp", StringComparison.Ordinal) && state == 7 ? "UNCONN" : SockInfo.StateName(state);
            sockets.Add(new Socket(proto, name, Endpoint(f[1]), Endpoint(f[2]), proto.StartsWith("udp", StringComparison.Ordinal) ? long.Parse(f[0].TrimEnd(':'), CultureInfo.InvariantCulture) : null));
        }
        return sockets;
    }

    private static string Endpoint(string hex)
    {
        var parts = hex.Split(':');
        // /proc prints each 32-bit word of the address as the CPU holds it (little-endian here).
        var bytes = Convert.FromHexString(parts[0]);
        for (int i = 0; i < bytes.Length; i += 4) Array.Reverse(bytes, i, 4);
        return SockInfo.Endpoint(new IPAddress(bytes), Convert.ToInt32(parts[1], 16));
    }

    [SkippableFact]
    public void Sockets_lists_exactly_the_guests_tcp_tcp6_udp_and_udp6_sockets()
    {
        var result = Session().Run("sockets");
        result.Failed.Should().BeFalse(result.Error);
        result.Warnings.Should().BeEmpty();
        var expected = FromProc("tcp", "tcp").Concat(FromProc("tcp6", "tcp6")).Concat(FromProc("udp", "udp")).Concat(FromProc("udp6", "udp6")).ToList();
        expected.Should().HaveCount(6, "netspawn holds a listener with one connection (two ends), a tcp6 listener, a udp socket and a connected one");
        var actual = result.Blocks.OfType<TableBlock>().Single().Rows.Select(r => new Socket((string)r.Cells[0].Value!, (string)r.Cells[1].Value!,
            (string)r.Cells[2].Value!, (string)r.Cells[3].Value!, (string)r.Cells[5].Value! == "udp" ? (long)r.Cells[6].Value! : null)).ToList();
        actual.Should().BeEquivalentTo(expected, "the dump's hash tables hold what the guest's /proc/net listed, in udp the same hash slots");
    }

    [SkippableFact]
    public void Net_s_of_the_helper_lists_its_sockets_whose_inodes_are_the_ones_proc_net_printed()
    {
        var session = Session();
        int pid = int.Parse(Regex.Match(File.ReadAllText(Path.Combine(Folder!, "console.log")), @"NETSPAWN: pid (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var net = session.Run($"net -s {pid}");
        net.Failed.Should().BeFalse(net.Error);
        var rows = net.Blocks.OfType<TableBlock>().Single().Rows;
        rows.Select(r => $"{r.Cells[5].Value}:{r.Cells[6].Value}").Should().Equal("INET:STREAM", "INET:STREAM", "INET:STREAM", "INET6:STREAM", "INET:DGRAM", "INET:DGRAM", "UNIX:STREAM");
        var inodes = Regex.Matches(GroundTruth, @"^\s*\d+: [0-9A-F]+:[0-9A-F]+ [0-9A-F]+:[0-9A-F]+ [0-9A-F]{2} (?:\S+ +){5}(\d+) ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToHashSet();
        inodes.Should().HaveCount(6);
        // SOCK_INODE: each socket's inode sits right after it in its socket_alloc; its number is what /proc/net printed.
        var kernel = session.Kernel();
        ulong inodeOffset = kernel.Types.Require("struct socket_alloc").Resolve().FindMember("vfs_inode").Offset;
        var numbers = rows.Take(6).Select(r => new KernelObject(kernel, kernel.Types.Require("struct inode"), (ulong)r.Cells[3].Value! + inodeOffset)["i_ino"].ReadUnsigned()
            .ToString(CultureInfo.InvariantCulture));
        numbers.Should().BeEquivalentTo(inodes);
    }

    [SkippableFact]
    public void Net_shows_lo_with_its_address_as_crash_does()
    {
        CrashReference.Ours(Session(), "net").Should().Equal(CrashReference.Bundled("knet", "net"));
    }
}
