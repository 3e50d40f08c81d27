using DumpScope.Sdk.Linux.Net;

namespace DumpScope.Plugins.Net.Commands;

/// <summary>
/// crash's <c>net</c>: the network devices of init_net (NET_DEVICE, NAME, IP ADDRESS(ES)); the data outputs and
/// <c>-v</c> add ifindex, flags and the hardware address. <c>-a</c>: the ARP table (arp_tbl's neighbours).
/// <c>-s [PID|TASK]</c>: the open sockets of tasks (the current or panicking task by default).
/// </summary>
[Command("net", Help = "network devices: NET_DEVICE NAME IP ADDRESS(ES) (net [-v] | net -a: the ARP table | net -s [PID|TASK]...: a task's sockets)",
    Examples = ["net  devices of init_net and their IPv4 addresses", "net -v  with ifindex, flags and MAC", "net -a  the ARP cache",
        "net -s 1  the sockets open in pid 1: fd, socket, sock, family:type, addresses and ports"],
    SeeAlso = ["sockets", "files", "irq", "sys"])]
public sealed class NetCommand : ICommand
{
    /// <summary>ARP table.</summary>
    [Option("-a", Help = "the ARP cache (arp_tbl neighbours): IP address, hardware address, device, state")]
    public bool Arp { get; set; }

    /// <summary>Sockets of tasks.</summary>
    [Option("-s", Help = "the open sockets of the tasks (default: the current task, else the panicking task)")]
    public bool Sockets { get; set; }

    /// <summary>PIDs or task addresses for -s.</summary>
    [Argument(0, Name = "PID|TASK", Help = "with -s: the tasks")]
    public string[] Selectors { get; set; } = [];

    /// <summary>More columns in text.</summary>
    [Option("-v", Help = "devices with ifindex, flags and hardware address")]
    public bool Verbose { get; set; }

    // IFF_* (include/uapi/linux/if.h), in bit order.
    private static readonly string[] FlagNames =
        ["UP", "BROADCAST", "DEBUG", "LOOPBACK", "POINTOPOINT", "NOTRAILERS", "RUNNING", "NOARP", "PROMISC", "ALLMULTI", "MASTER", "SLAVE",
         "MULTICAST", "PORTSEL", "AUTOMEDIA", "DYNAMIC", "LOWER_UP", "DORMANT", "ECHO"];

    // NUD_* (include/uapi/linux/neighbour.h), in bit order.
    private static readonly string[] NudNames = ["INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE", "FAILED", "NOARP", "PERMANENT"];

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        if ((Arp ? 1 : 0) + (Verbose ? 1 : 0) + (Sockets ? 1 : 0) > 1) throw new UsageException("net: -a, -s and -v exclude each other");
        if (Selectors.Length > 0 && !Sockets) throw new UsageException("net: a PID or task is taken only with -s");
        try
        {
            if (Sockets)
            {
                var warnings = new List<string>();
                if (TaskArguments.Tasks(kernel, Selectors, context.CurrentTask, "net", warnings, out var failure, context.Cancellation) is not { } tasks)
                    return CommandResult.Fail(failure!);
                var shown = NetSockets.Of(kernel, tasks, context.Cancellation);
                shown.Warnings.InsertRange(0, warnings);
                return shown;
            }
            return Arp ? Neighbours(kernel, context.Cancellation) : Devices(kernel, context.Cancellation);
        }
        catch (Exception e) when (e is TypeNotFoundException || KernelDataErrors.IsDataProblem(e))
        {
            return CommandResult.Fail($"net: {KernelDataErrors.Reason(e)}");
        }
    }

    /// <summary>IFF flags as names joined by '|'.</summary>
    internal static string Flags(uint flags) =>
        string.Join('|', Enumerable.Range(0, FlagNames.Length).Where(b => (flags & (1u << b)) != 0).Select(b => FlagNames[b]));

    /// <summary>A hardware address as aa:bb:cc…</summary>
    internal static string Hardware(byte[] bytes) => string.Join(':', bytes.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    private CommandResult Devices(IKernel kernel, CancellationToken cancellation)
    {
        var result = new CommandResult();
        var walk = NetDevices.ForEachNetdev(kernel, NetDevices.InitNet(kernel), cancellation);
        var table = result.Add(new TableBlock(new Column("NET_DEVICE", CellKind.Address), new Column("NAME"), new Column("IP ADDRESS(ES)", CellKind.Text, "ipv4"),
            new Column("IFINDEX", CellKind.Integer), new Column("FLAGS"), new Column("MAC")) { TextFromRows = !Verbose });
        bool first = true;
        foreach (ulong device in walk.Items)
        {
            cancellation.ThrowIfCancellationRequested();
            var info = NetDevices.ReadNetDevice(kernel, device);
            string ips = string.Join(", ", info.Ipv4.Select(a => a.Dotted));
            var row = table.AddRow(Cell.Address(device), info.Name is { } n ? Cell.Text(n) : Cell.Unreadable(info.Problem ?? "name unreadable"), Cell.Text(ips),
                info.Ifindex is { } i ? Cell.Int(i) : Cell.Unreadable(info.Problem ?? "ifindex unreadable", CellKind.Integer),
                info.Flags is { } f ? Cell.Text(Flags(f)) : Cell.Unreadable(info.Problem ?? "flags unreadable"),
                info.HardwareAddress is { } mac ? Cell.Text(Hardware(mac)) : Cell.NotAvailable(info.Problem ?? "no hardware address"));
            row.Text = $"{(first ? "   NET_DEVICE     NAME   IP ADDRESS(ES)\n" : "")}{device:x16}  {info.Name ?? "(unreadable)",-6} {ips}";
            first = false;
            row.Problem = info.Problem;
            row.WithTarget("struct net_device", new ObjectTarget("struct net_device", device));
        }
        if (walk.Problem is not null) result.Warnings.Add($"net: init_net.dev_base_head: {walk.Problem}");
        return result;
    }

    private static CommandResult Neighbours(IKernel kernel, CancellationToken cancellation)
    {
        var result = new CommandResult();
        var walk = NetDevices.NeighForEach(kernel, null, cancellation);
        var table = result.Add(new TableBlock(new Column("NEIGHBOUR", CellKind.Address), new Column("IP ADDRESS"), new Column("HW ADDRESS"),
            new Column("DEVICE"), new Column("STATE")));
        var names = new Dictionary<ulong, string?>();
        foreach (var n in walk.Items)
        {
            if (!names.TryGetValue(n.Device, out var device))
                names[n.Device] = device = n.Device == 0 ? null : NetDevices.ReadNetDevice(kernel, n.Device).Name;
            string state = n.State is { } s ? string.Join('|', Enumerable.Range(0, NudNames.Length).Where(b => (s & (1 << b)) != 0).Select(b => NudNames[b])) : "";
            var row = table.AddRow(Cell.Address(n.Address),
                n.Key is { } k ? Cell.Text(Ipv4Address.Ipv4(k)) : Cell.Unreadable(n.Problem ?? "key unreadable"),
                n.HardwareAddress is { } ha ? Cell.Text(Hardware(ha)) : Cell.Unreadable(n.Problem ?? "ha unreadable"),
                device is null ? Cell.NotAvailable("device unreadable") : Cell.Text(device),
                n.State is null ? Cell.Unreadable(n.Problem ?? "state unreadable") : Cell.Text(state.Length == 0 ? "NONE" : state));
            row.Problem = n.Problem;
            row.WithTarget("struct neighbour", new ObjectTarget("struct neighbour", n.Address));
        }
        if (walk.Problem is not null) result.Warnings.Add($"net -a: arp_tbl: {walk.Problem}");
        if (walk.Items.Count == 0 && walk.IsComplete) result.Add(new TextBlock(["(the ARP cache is empty)"]));
        return result;
    }
}
