using DumpScope.Sdk.Linux.Net;

namespace DumpScope.Plugins.Net.Commands;

/// <summary>
/// <c>net -s</c>'s output: per task crash's header line, then its sockets (FD, SOCKET, SOCK, FAMILY:TYPE,
/// SOURCE-PORT, DESTINATION-PORT as crash prints them; the data outputs add the TCP state and split address and
/// port), or "No open sockets.".
/// </summary>
internal static class NetSockets
{
    /// <summary>The header of crash's socket table.</summary>
    internal const string Header = "FD      SOCKET            SOCK       FAMILY:TYPE         SOURCE-PORT      DESTINATION-PORT";

    /// <summary>The sockets of each task; with <paramref name="reference"/> only that socket, and only tasks holding it.</summary>
    public static CommandResult Of(IKernel kernel, IReadOnlyList<KernelObject> tasks, SocketReference? reference, CancellationToken cancellation)
    {
        var result = new CommandResult();
        foreach (var task in tasks)
        {
            cancellation.ThrowIfCancellationRequested();
            int? pid = TaskArguments.PidOrNull(task);
            var walk = Sockets.ForEachTaskSocket(task, cancellation);
            var shown = reference is null ? walk.Items : walk.Items.Where(reference.Matches).ToList();
            if (reference is not null && shown.Count == 0)
            {
                // crash prints nothing for a task without the referenced socket (foreach net -s -R finds the holder).
                if (walk.Problem is not null) result.Warnings.Add($"net -s: task {task.Address:x}: {walk.Problem}");
                continue;
            }
            if (shown.Count == 0)
            {
                result.Add(new TextBlock([TaskArguments.Header(task), walk.IsComplete ? "No open sockets." : $"(open files unreadable: {walk.Problem})"]));
                continue;
            }
            var table = result.Add(new TableBlock(new Column("PID", CellKind.Integer), new Column("TASK", CellKind.Address), new Column("FD", CellKind.Integer),
                new Column("SOCKET", CellKind.Address), new Column("SOCK", CellKind.Address), new Column("FAMILY"), new Column("TYPE"), new Column("STATE"),
                new Column("LOCAL"), new Column("LPORT", CellKind.Integer), new Column("REMOTE"), new Column("RPORT", CellKind.Integer)) { TextFromRows = true });
            bool first = true;
            foreach (var s in shown)
            {
                var sock = s.Sock;
                string why = s.Problem ?? sock?.Problem ?? "unreadable";
                var row = table.AddRow(pid is { } p ? Cell.Int(p) : Cell.Unreadable("pid unreadable", CellKind.Integer), Cell.Address(task.Address), Cell.Int(s.Fd),
                    s.Socket != 0 ? Cell.Address(s.Socket) : Cell.Unreadable(why, CellKind.Address),
                    sock is not null ? Cell.Address(sock.Sock) : Cell.NotAvailable(s.Problem ?? "socket.sk is NULL", CellKind.Address),
                    sock?.Family is { } f ? Cell.Text(SockInfo.FamilyName(f)) : Cell.Unreadable(why),
                    (sock?.Type ?? s.SocketType) is { } t ? Cell.Text(SockInfo.TypeName(t)) : Cell.Unreadable(why),
                    sock is { IsInet: true, State: { } st } ? Cell.Text(SockInfo.StateName(st)) : Cell.NotApplicable(),
                    sock?.Local is { } l ? Cell.Text(l.ToString()) : Cell.NotApplicable(),
                    sock?.LocalPort is { } lp ? Cell.Int(lp) : Cell.NotApplicable(CellKind.Integer),
                    sock?.Remote is { } r ? Cell.Text(r.ToString()) : Cell.NotApplicable(),
                    sock?.RemotePort is { } rp ? Cell.Int(rp) : Cell.NotApplicable(CellKind.Integer));
                row.Problem = s.Problem ?? sock?.Problem;
                row.Text = (first ? $"{TaskArguments.Header(task)}\n{Header}\n" : "") + Line(s);
                first = false;
                if (s.File != 0) row.WithTarget("struct file", new ObjectTarget("struct file", s.File));
                if (s.Socket != 0) row.WithTarget("struct socket", new ObjectTarget("struct socket", s.Socket));
                if (sock is not null) row.WithTarget("struct sock", new ObjectTarget("struct sock", sock.Sock));
                row.WithTarget("task", new TaskTarget(task.Address, pid));
            }
            if (walk.Problem is not null) result.Warnings.Add($"net -s: task {task.Address:x}: {walk.Problem}");
        }
        return result;
    }

    /// <summary>One socket as crash prints it: fd, socket, sock, FAMILY:TYPE, then source and destination as ADDRESS-PORT.</summary>
    private static string Line(TaskSocket s)
    {
        var sock = s.Sock;
        string family = sock?.Family is { } f ? SockInfo.FamilyName(f) : "?";
        string type = (sock?.Type ?? s.SocketType) is { } t ? SockInfo.TypeName(t) : "?";
        string line = $"{s.Fd,2} {s.Socket,16:x}  {sock?.Sock ?? 0,16:x}  {$"{family}:{type}",-18}";
        if (sock is { IsInet: true })
            line += $" {sock.Local?.ToString() ?? "?"}-{sock.LocalPort?.ToString(CultureInfo.InvariantCulture) ?? "?"}  {sock.Remote?.ToString() ?? "?"}-{sock.RemotePort?.ToString(CultureInfo.InvariantCulture) ?? "?"}";
        return line.TrimEnd();
    }
}
