namespace DumpScope.Plugins.Sched.Commands;

/// <summary>
/// crash's <c>waitq</c>: the tasks waiting on a <c>wait_queue_head_t</c> given by symbol, by address, or as
/// <c>struct.member ADDR</c> (the member of the struct at ADDR); each entry's <c>private</c> is the waiting task.
/// </summary>
[Command("waitq", Help = "tasks on a wait queue (waitq SYMBOL | ADDR | struct.member ADDR)",
    Examples = ["waitq khugepaged_wait  who sleeps on a global wait queue", "waitq ffff8a94c1234560  a wait_queue_head by address",
        "waitq pipe_inode_info.rd_wait ffff8a94c2345600  a member of a struct"], SeeAlso = ["sig", "ps", "bt"])]
public sealed class WaitqCommand : ICommand
{
    /// <summary>What names the wait queue.</summary>
    [Argument(0, Name = "SYMBOL|ADDR|struct.member", Required = true, Help = "a symbol, an address, or struct.member followed by the struct's address")]
    public string[] Target { get; set; } = [];

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        ulong head = Resolve(kernel);
        var walk = WaitQueues.WaitQueueForEach(kernel, head, context.Cancellation);
        var result = new CommandResult();
        var table = result.Add(new TableBlock(new Column("ENTRY", CellKind.Address), new Column("PID", CellKind.Integer), new Column("TASK", CellKind.Address),
            new Column("CPU", CellKind.Integer), new Column("COMMAND"), new Column("FUNC"), new Column("FLAGS", CellKind.Hex)) { TextFromRows = true });
        foreach (var entry in walk.Items)
        {
            ulong task = entry.Private ?? 0;
            string? func = entry.Function is { } f ? KernelText.SymbolName(kernel, f) : null;
            // Only the default wake functions keep a task in private; others (epoll, poll tables) keep their own data.
            bool isTask = KernelAddress.IsKernel(task) && func is "default_wake_function" or "autoremove_wake_function" or "woken_wake_function" or null;
            if (!isTask)
            {
                var other = table.AddRow(Cell.Address(entry.Entry), Cell.NotApplicable(CellKind.Integer), Cell.NotApplicable(CellKind.Address), Cell.NotApplicable(CellKind.Integer),
                    Cell.NotApplicable(), func is null ? Cell.NotAvailable("no symbol") : Cell.Text(func), entry.Flags is { } fl ? Cell.Hex(fl) : Cell.Unreadable("flags unreadable", CellKind.Hex));
                other.Text = $"wait_queue_entry {entry.Entry:x}  private: {entry.Private?.ToString("x", CultureInfo.InvariantCulture) ?? "?"}  func: {func ?? "?"}";
                other.WithTarget("struct wait_queue_entry", new ObjectTarget("struct wait_queue_entry", entry.Entry));
                continue;
            }
            var (pid, comm, problem) = KernelText.Task(kernel, task);
            int? cpu = problem is null ? KernelTasks.TaskCpu(kernel.Object("struct task_struct", task)) : null;
            var row = table.AddRow(Cell.Address(entry.Entry), pid is { } p ? Cell.Int(p) : Cell.Unreadable(problem!, CellKind.Integer), Cell.Address(task),
                cpu is { } c ? Cell.Int(c) : Cell.Unreadable(problem ?? "cpu unreadable", CellKind.Integer),
                comm is { } cm ? Cell.Text(cm) : Cell.Unreadable(problem ?? "comm unreadable"),
                func is null ? Cell.NotAvailable("no symbol") : Cell.Text(func), entry.Flags is { } fls ? Cell.Hex(fls) : Cell.Unreadable("flags unreadable", CellKind.Hex));
            row.Text = $"PID: {(pid?.ToString(CultureInfo.InvariantCulture) ?? "?"),-6} TASK: {task:x}  CPU: {(cpu?.ToString(CultureInfo.InvariantCulture) ?? "?")}  COMMAND: \"{comm ?? "?"}\"";
            row.Problem = problem;
            row.WithTask(task, pid);
            row.WithTarget("struct wait_queue_entry", new ObjectTarget("struct wait_queue_entry", entry.Entry));
        }
        if (walk.Items.Count == 0 && walk.IsComplete) result.Add(new TextBlock([$"wait queue {head:x} is empty"]));
        if (walk.Problem is not null) result.Warnings.Add($"waitq: {walk.Problem}");
        return result;
    }

    private ulong Resolve(IKernel kernel)
    {
        if (Target.Length == 2)
        {
            int dot = Target[0].IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0) throw new UsageException("waitq: expected struct.member ADDR");
            string type = Target[0][..dot], member = Target[0][(dot + 1)..];
            var structType = kernel.Types.FindType($"struct {type}") ?? kernel.Types.FindType(type) ?? throw new UsageException($"waitq: no type {type}");
            if (!structType.Resolve().TryFindMember(member, out var location)) throw new UsageException($"waitq: {type} has no member {member}");
            if (!Arguments.TryParseAddress(Target[1], out var baseAddress)) throw new UsageException($"waitq: invalid address {Target[1]}");
            return baseAddress + location.Offset;
        }
        if (Target.Length != 1) throw new UsageException("waitq: expected SYMBOL, ADDR or struct.member ADDR");
        if (kernel.Symbols.TryGetAddress(Target[0], out var symbol)) return symbol;
        if (Arguments.TryParseAddress(Target[0], out var address) && KernelAddress.IsKernel(address)) return address;
        throw new UsageException($"waitq: {Target[0]} is neither a symbol nor a kernel address");
    }
}
