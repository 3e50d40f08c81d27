namespace DumpScope.Sdk.Linux.Sched;

/// <summary>
/// How crash's per-task commands (files, net -s, sig…) pick their tasks: a PID or a task_struct address, and by
/// default the task running on the CPU that panicked (crash's current context).
/// </summary>
public static class TaskArguments
{
    /// <summary>The task running on the CPU in panic_cpu, or null with why not.</summary>
    public static KernelObject? PanicTask(IKernel kernel, out string why)
    {
        if (!KernelGlobals.TryReadInteger(kernel, "panic_cpu", "atomic_t", out var cpu, out why)) return null;
        if (cpu < 0 || cpu >= kernel.NrCpuIds)
        {
            why = "no CPU panicked (panic_cpu unset)";
            return null;
        }
        try
        {
            return Runqueues.CpuCurr(kernel, (int)cpu);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            why = $"CPU {cpu} panicked but its running task is unreadable: {KernelDataErrors.Reason(e)}";
            return null;
        }
    }

    /// <summary>
    /// The tasks a PID (decimal; 0 names every idle task) or task address (hex) names, none when no task has
    /// the PID; a <see cref="UsageException"/> for anything else.
    /// </summary>
    public static IReadOnlyList<KernelObject> Select(IKernel kernel, string selector, string verb, CancellationToken cancellation = default)
    {
        if (int.TryParse(selector, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && selector.Length < 9)
        {
            if (pid != 0 && KernelTasks.FindTask(kernel, pid) is { } found) return [found];
            // The pid hash can miss a task (crash 8.0.2 misses most on the fixtures): the task list decides.
            return KernelTasks.ForEachTask(kernel, cancellation).Items.Where(t => PidOrNull(t) == pid).Take(pid == 0 ? int.MaxValue : 1).ToList();
        }
        if (Arguments.TryParseAddress(selector, out var address) && KernelAddress.IsKernel(address))
            return [kernel.Object("struct task_struct", address)];
        throw new UsageException($"{verb}: '{selector}' is neither a PID nor a task address");
    }

    /// <summary>
    /// The tasks of a per-task command: those the selectors name (each once, in order; a PID no task has is a
    /// warning), else the session's current task (<paramref name="current"/>), else the panicking task. Null with
    /// the failure message when none is left.
    /// </summary>
    public static IReadOnlyList<KernelObject>? Tasks(IKernel kernel, IReadOnlyList<string> selectors, ulong? current, string verb,
        ICollection<string> warnings, out string? failure, CancellationToken cancellation = default)
    {
        failure = null;
        var tasks = new List<KernelObject>();
        if (selectors.Count == 0 && current is { } address)
            tasks.Add(kernel.Object("struct task_struct", address));
        else if (selectors.Count == 0)
        {
            if (PanicTask(kernel, out var why) is not { } panic)
            {
                failure = $"{verb}: {why}; give a PID or a task address";
                return null;
            }
            tasks.Add(panic);
        }
        foreach (var selector in selectors)
        {
            var matches = Select(kernel, selector, verb, cancellation);
            if (matches.Count == 0) warnings.Add($"{verb}: no task has pid {selector}");
            tasks.AddRange(matches.Where(m => tasks.All(t => t.Address != m.Address)));
        }
        if (tasks.Count > 0) return tasks;
        failure = $"{verb}: no task matches {string.Join(", ", selectors)}";
        return null;
    }

    /// <summary>crash's task header line: <c>PID: 1        TASK: ffff…  CPU: 1    COMMAND: "init"</c>.</summary>
    public static string Header(KernelObject task)
    {
        int? pid = PidOrNull(task), cpu = Try<int?>(() => KernelTasks.TaskCpu(task));
        return $"PID: {Text(pid),-8} TASK: {task.Address:x16}  CPU: {Text(cpu),-3}  COMMAND: \"{Try(() => KernelTasks.TaskComm(task)) ?? "?"}\"";
    }

    /// <summary>The task's pid, null when unreadable.</summary>
    public static int? PidOrNull(KernelObject task) => Try<int?>(() => KernelTasks.TaskPid(task));

    private static string Text(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";

    private static T? Try<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return default;
        }
    }
}
