using DumpScope.Sdk.Linux.Net;

namespace DumpScope.Plugins.Net.Commands;

/// <summary>
/// crash's <c>net</c>: the network devices of init_net (NET_DEVICE, NAME, IP ADDRESS(ES)); the data outputs and
/// <c>-v</c> add ifindex, flags and the hardware address. <c>-n [PID|TASK]</c>: the devices of a task's network
/// namespace. <c>-a</c>: the ARP table (arp_tbl's neighbours). <c>-s [PID|TASK]</c>: the open sockets of tasks (the
/// current or panicking task by default), <c>-R REF</c> only the one with that fd, socket or sock address (a task
/// without it is left out, as crash leaves it out). <c>-N ADDR</c>: an IPv4 address given as the number in memory.
/// </summary>
[Command("net", Help = "network devices: NET_DEVICE NAME IP ADDRESS(ES) (net [-v] | net -n [PID|TASK]: a task's namespace | net -a: the ARP table | net -s [-R REF] [PID|TASK]...: a task's sockets | net -N ADDR)",
    Examples = ["net  devices of init_net and their IPv4 addresses", "net -v  with ifindex, flags and MAC", "net -a  the ARP cache",
        "net -n 1234  the devices of pid 1234's network namespace (a container's)",
        "net -s 1  the sockets open in pid 1: fd, socket, sock, family:type, addresses and ports",
        "foreach net -s -R ffff888003a1c000  which task holds that socket", "net -N 0x0100007f  127.0.0.1"],
    SeeAlso = ["sockets", "files", "irq", "sys"])]
public sealed class NetCommand : ICommand
{
    /// <summary>ARP table.</summary>
    [Option("-a", Help = "the ARP cache (arp_tbl neighbours): IP address, hardware address, device, state")]
    public bool Arp { get; set; }

    /// <summary>Sockets of tasks.</summary>
    [Option("-s", Help = "the open sockets of the tasks (default: the current task, else the panicking task)")]
    public bool Sockets { get; set; }

    /// <summary>Only the socket with this fd, socket or sock address (with -s).</summary>
    [Option("-R", Help = "with -s: only the socket with this fd number or socket/sock address; tasks without it are left out", ValueName = "REF")]
    public string? Reference { get; set; }

    /// <summary>A task's network namespace.</summary>
    [Option("-n", Help = "the devices of the network namespace of the task given (default: the current task, else the panicking task)")]
    public bool Namespace { get; set; }

    /// <summary>An IPv4 address as a number.</summary>
    [Option("-N", Help = "print the IPv4 address whose 32-bit value in memory (network byte order, read as a number) is ADDR (decimal or 0x hex)", ValueName = "ADDR")]
    public string? Number { get; set; }

    /// <summary>PIDs or task addresses for -s.</summary>
    [Argument(0, Name = "PID|TASK", Help = "with -s: the tasks; with -n: the task")]
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
        if ((Arp ? 1 : 0) + (Sockets ? 1 : 0) + (Namespace ? 1 : 0) + (Number is null ? 0 : 1) > 1 || (Verbose && (Arp || Sockets || Number is not null)))
            throw new UsageException("net: -a, -s, -n and -N exclude each other (-v goes with the device list)");
        if (Selectors.Length > 0 && !Sockets && !Namespace) throw new UsageException("net: a PID or task is taken only with -s or -n");
        if (Namespace && Selectors.Length > 1) throw new UsageException("net: -n takes one PID or task");
        if (Reference is not null && !Sockets) throw new UsageException("net: -R goes with -s");
        if (Number is not null) return Dotted(Number);
        var filter = Reference is null ? null : SocketReference.Parse(Reference);
        try
        {
            if (Sockets || Namespace)
            {
                var warnings = new List<string>();
                if (TaskArguments.Tasks(kernel, Selectors, context.CurrentTask, "net", warnings, out var failure, context.Cancellation) is not { } tasks)
                    return CommandResult.Fail(failure!);
                CommandResult shown;
                if (Namespace)
                {
                    ulong net;
                    try { net = NetNamespaces.TaskNet(tasks[0]); }
                    catch (Exception e) when (KernelDataErrors.IsDataProblem(e)) { return CommandResult.Fail($"net -n: {KernelDataErrors.Reason(e)}"); }
                    shown = Devices(kernel, net, $"net namespace {net:x}", context.Cancellation);
                }
                else shown = NetSockets.Of(kernel, tasks, filter, context.Cancellation);
                shown.Warnings.InsertRange(0, warnings);
                return shown;
            }
            return Arp ? Neighbours(kernel, context.Cancellation) : Devices(kernel, NetDevices.InitNet(kernel), "init_net", context.Cancellation);
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

    // crash's -N: the value's bytes in memory order (an in_addr's __be32 read as a host number) as dotted quad.
    private static CommandResult Dotted(string text)
    {
        bool hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (!ulong.TryParse(hex ? text[2..] : text, hex ? NumberStyles.AllowHexSpecifier : NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > uint.MaxValue)
            throw new UsageException($"net -N: '{text}' is not a 32-bit decimal or 0x-hexadecimal number");
        var result = new CommandResult();
        result.Add(new TextBlock([Ipv4Address.Ipv4((uint)value)]));
        return result;
    }

    private CommandResult Devices(IKernel kernel, ulong net, string netName, CancellationToken cancellation)
    {
        var result = new CommandResult();
        var walk = NetDevices.ForEachNetdev(kernel, net, cancellation);
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
        if (walk.Problem is not null) result.Warnings.Add($"net: {netName}.dev_base_head: {walk.Problem}");
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
