using DumpScope.Plugins.Net.Commands;
using DumpScope.Sdk.Linux.Net;
using DumpScope.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Net.Tests;

/// <summary>Sessions over the real dumps with only the net plugin, shared by the tests of a class.</summary>
public sealed class NetSessions() : FixtureSessions(typeof(NetPlugin).Assembly);

/// <summary>net and net -a on kd1 and kd3 against crash 8.0.2, and with chosen damage.</summary>
public sealed class NetTests(NetSessions sessions) : IClassFixture<NetSessions>
{
    private DumpScope.Host.Session.DumpScopeSession Session(string fixture) => sessions.Session($"{fixture}/vmcore.kdump-zlib-d31");

    /// <summary>Runs a command object (options set by the caller) over <paramref name="kernel"/> as the host would.</summary>
    internal static CommandResult Run(IKernel kernel, ICommand command, string line)
    {
        using var services = new ServiceCollection().AddSingleton(kernel).BuildServiceProvider();
        return services.Run(command, line);
    }

    [SkippableTheory]
    [InlineData("kd1")]
    [InlineData("kd3")]
    public void Net_is_crash_s_device_list(string fixture)
    {
        var result = Session(fixture).Run("net");
        result.Failed.Should().BeFalse(result.Error);
        CrashReference.Text(result).Should().Equal(CrashReference.Bundled(fixture, "net"));
        var row = result.Blocks.OfType<TableBlock>().Single().Rows.Single();
        row.Cells[1].Value.Should().Be("lo");
        row.Cells[3].Value.Should().Be(1L, "lo is ifindex 1");
        row.Cells[4].Value.Should().Be("LOOPBACK", "the guest never brought lo up: no IFF_UP, no address (crash prints none either)");
        row.Targets.Select(t => t.Subject).OfType<ObjectTarget>().Single().Type.Should().Be("struct net_device");
    }

    [SkippableFact]
    public void The_arp_cache_of_a_guest_without_a_network_is_empty()
    {
        var result = Session("kd3").Run("net -a");
        result.Failed.Should().BeFalse(result.Error);
        result.Blocks.OfType<TableBlock>().Single().Rows.Should().BeEmpty();
        result.Warnings.Should().BeEmpty();
    }

    [SkippableFact]
    public void An_excluded_net_device_is_a_marked_row_and_a_looping_device_list_ends()
    {
        var kernel = Session("kd3").Kernel();
        ulong lo = NetDevices.ForEachNetdev(kernel, NetDevices.InitNet(kernel)).Items.Single();
        var patches = new FaultInjectingMemory(kernel.Memory, kernel.PageSize);
        var damaged = new KernelWithMemory(kernel, patches, new RuntimeSizeRegistry());
        patches.Exclude(lo + kernel.Types.Require("struct net_device").Resolve().FindMember("name").Offset);
        var result = Run(damaged, new NetCommand(), "net");
        result.Failed.Should().BeFalse(result.Error);
        var row = result.Blocks.OfType<TableBlock>().Single().Rows.Single();
        row.Cells[1].Absence.Should().Be(Absence.Unreadable);
        row.Problem.Should().Contain("excluded");

        // lo.dev_list.next → itself: the list never comes back to init_net.dev_base_head.
        var loops = new FaultInjectingMemory(kernel.Memory, kernel.PageSize);
        ulong devList = lo + kernel.Types.Require("struct net_device").Resolve().FindMember("dev_list").Offset;
        loops.Patch(devList, devList);
        var looped = Run(new KernelWithMemory(kernel, loops, new RuntimeSizeRegistry()), new NetCommand(), "net");
        looped.Failed.Should().BeFalse(looped.Error);
        looped.Warnings.Should().ContainSingle(w => w.Contains("dev_base_head"));
        looped.Blocks.OfType<TableBlock>().Single().Rows.Should().ContainSingle();
    }

    [Fact]
    public void Addresses_and_flags_print_as_ip_and_ifconfig_print_them()
    {
        Ipv4Address.Ipv4(0x0100007f).Should().Be("127.0.0.1");
        NetCommand.Flags(0x1043).Should().Be("UP|BROADCAST|RUNNING|MULTICAST");
        NetCommand.Hardware([0x52, 0x54, 0, 0x12, 0x34, 0x56]).Should().Be("52:54:00:12:34:56");
    }
}
