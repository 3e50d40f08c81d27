namespace DumpScope.Plugins.Sched;

/// <summary>How the sched commands print kernel values the way crash prints them.</summary>
internal static class KernelText
{
    /// <summary>"&lt;name&gt;" or "&lt;name+off&gt;" for a code address, or the bare hex when no symbol covers it.</summary>
    public static string Symbol(IKernel kernel, ulong address)
    {
        if (address == 0) return "";
        return kernel.Symbols.Lookup(address) is { } match && match.Offset < 0x100000 ? $"<{match}>" : "";
    }

    /// <summary>The symbol name (with offset) of an address, or null.</summary>
    public static string? SymbolName(IKernel kernel, ulong address) =>
        address != 0 && kernel.Symbols.Lookup(address) is { } match && match.Offset < 0x100000 ? match.ToString() : null;

    /// <summary>A task's pid and comm, or the reason they cannot be read.</summary>
    public static (int? Pid, string? Comm, string? Problem) Task(IKernel kernel, ulong task)
    {
        try
        {
            var obj = kernel.Object("struct task_struct", task);
            return (KernelTasks.TaskPid(obj), KernelTasks.TaskComm(obj), null);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return (null, null, $"task {task:x}: {KernelDataErrors.Reason(e)}");
        }
    }

    /// <summary>crash's task identification: <c>PID: 123    TASK: ffff…  COMMAND: "name"</c>.</summary>
    public static string TaskLine(int? pid, ulong task, string? comm) =>
        $"PID: {(pid?.ToString(CultureInfo.InvariantCulture) ?? "?"),-6} TASK: {task:x}  COMMAND: \"{comm ?? "?"}\"";

    /// <summary>
    /// A task by PID (decimal) or task_struct address (hex), as crash's commands take them. Throws
    /// <see cref="UsageException"/> when the text is neither or no task matches.
    /// </summary>
    public static KernelObject ResolveTask(IKernel kernel, string text, string verb)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && text.Length < 9)
            return KernelTasks.FindTask(kernel, pid) ?? throw new UsageException($"{verb}: no task has pid {pid}");
        if (Arguments.TryParseAddress(text, out var address) && KernelAddress.IsKernel(address))
            return kernel.Object("struct task_struct", address);
        throw new UsageException($"{verb}: invalid task or pid value: {text}");
    }

    /// <summary>The typed targets of a row showing a task.</summary>
    public static TableRow WithTask(this TableRow row, ulong task, int? pid)
    {
        row.WithTarget("task", new TaskTarget(task, pid));
        row.WithTarget("struct task_struct", new ObjectTarget("struct task_struct", task));
        return row;
    }

    /// <summary>A cell for an optional value with the reason it is absent.</summary>
    public static Cell Or(ulong? value, Func<ulong, Cell> make, string reason, CellKind kind) =>
        value is { } v ? make(v) : Cell.Unreadable(reason, kind);

    /// <summary>A cpulist ("0-3,5") of a mask, as /proc/irq/N/smp_affinity_list prints it.</summary>
    public static string CpuList(CpuMask mask)
    {
        var parts = new List<string>();
        int? start = null, last = null;
        foreach (int cpu in mask.Cpus)
        {
            if (start is null) { start = last = cpu; continue; }
            if (cpu == last + 1) { last = cpu; continue; }
            parts.Add(start == last ? $"{start}" : $"{start}-{last}");
            start = last = cpu;
        }
        if (start is not null) parts.Add(start == last ? $"{start}" : $"{start}-{last}");
        return string.Join(',', parts);
    }
}
