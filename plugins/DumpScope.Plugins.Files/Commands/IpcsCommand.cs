using DumpScope.Sdk.Linux.Ipc;

namespace DumpScope.Plugins.Files.Commands;

/// <summary>crash's <c>ipcs</c>: the System V shared memory segments, semaphore arrays and message queues of the initial IPC namespace.</summary>
[Command("ipcs", Help = "System V IPC: shared memory segments, semaphore arrays, message queues (ipcs [-m] [-s] [-q])",
    Examples = ["ipcs  all three", "ipcs -m  shared memory only"], SeeAlso = ["files"])]
public sealed class IpcsCommand(FileAnalyzer analyzer) : ICommand
{
    /// <summary>-m: shared memory only.</summary>
    [Option("-m", Help = "shared memory segments")]
    public bool SharedMemory { get; set; }

    /// <summary>-s: semaphores only.</summary>
    [Option("-s", Help = "semaphore arrays")]
    public bool Semaphores { get; set; }

    /// <summary>-q: message queues only.</summary>
    [Option("-q", Help = "message queues")]
    public bool Queues { get; set; }

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        bool all = !SharedMemory && !Semaphores && !Queues;
        var result = new CommandResult();
        if (all || SharedMemory) Add(result, IpcKind.SharedMemory, context.Cancellation);
        if (all || Semaphores) Add(result, IpcKind.Semaphore, context.Cancellation);
        if (all || Queues) Add(result, IpcKind.MessageQueue, context.Cancellation);
        return result;
    }

    private void Add(CommandResult result, IpcKind kind, CancellationToken cancellation)
    {
        var (title, type, idName, sizeName, countName) = kind switch
        {
            IpcKind.SharedMemory => ("SHMID_KERNEL     KEY      SHMID      UID   PERMS BYTES      NATTCH STATUS", "struct shmid_kernel", "SHMID", "BYTES", "NATTCH"),
            IpcKind.Semaphore => ("SEM_ARRAY        KEY      SEMID      UID   PERMS NSEMS", "struct sem_array", "SEMID", "NSEMS", null),
            _ => ("MSG_QUEUE        KEY      MSQID      UID   PERMS USED-BYTES   MESSAGES", "struct msg_queue", "MSQID", "USED-BYTES", "MESSAGES"),
        };
        var columns = new List<Column> { new(type[7..].ToUpperInvariant(), CellKind.Address), new("KEY", CellKind.Hex), new(idName, CellKind.Integer),
            new("UID", CellKind.Integer), new("PERMS"), new(sizeName, CellKind.Integer) };
        if (countName is not null) columns.Add(new Column(countName, CellKind.Integer));
        if (kind == IpcKind.SharedMemory) columns.Add(new Column("STATUS"));
        var table = new TableBlock([.. columns]) { TextFromRows = true, Title = title };
        WalkResult<IpcObject> walk;
        try
        {
            walk = SysvIpc.ForEachIpc(analyzer.Kernel, kind, cancellation);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            result.Warnings.Add($"ipcs: the {kind} ids are unreadable: {KernelDataErrors.Reason(e)}");
            return;
        }
        foreach (var ipc in walk.Items)
        {
            string perms = Convert.ToString(ipc.Mode & 0x1ff, 8);
            // SHM_DEST (01000) and SHM_LOCKED (02000) of include/uapi/linux/shm.h.
            string status = string.Join(' ', new[] { (ipc.Mode & 0x200) != 0 ? "dest" : null, (ipc.Mode & 0x400) != 0 ? "locked" : null }.OfType<string>());
            var cells = new List<Cell> { Cell.Address(ipc.Address), Cell.Hex((uint)ipc.Key), Cell.Int(ipc.Id), Cell.UInt(ipc.Uid), Cell.Text(perms), Cell.UInt(ipc.Size) };
            if (countName is not null) cells.Add(Cell.UInt(ipc.Count));
            if (kind == IpcKind.SharedMemory) cells.Add(Cell.Text(status));
            var row = table.AddRow([.. cells]);
            string head = $"{ipc.Address:x16} {(uint)ipc.Key:x8} {ipc.Id,-10} {ipc.Uid,-5} {perms,-5} ";
            row.Text = (kind switch
            {
                IpcKind.SharedMemory => head + $"{ipc.Size,-10} {ipc.Count,-6} {status}",
                IpcKind.Semaphore => head + $"{ipc.Size}",
                _ => head + $"{ipc.Size,-12} {ipc.Count}",
            }).TrimEnd();
            row.Problem = ipc.Problem;
            row.WithTarget(type, new ObjectTarget(type, ipc.Address));
        }
        if (walk.Problem is not null) result.Warnings.Add($"ipcs: {walk.Problem}");
        // crash prints "(none allocated)" under the header of an empty family; the data outputs get the empty table.
        if (walk.Items.Count == 0) result.Add(new TextBlock([title, "(none allocated)"]) { Entries = table });
        else result.Add(table);
    }
}
