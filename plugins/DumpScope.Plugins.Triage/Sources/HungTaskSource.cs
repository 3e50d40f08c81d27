using DumpScope.Plugins.Triage.Findings;
using DumpScope.Sdk.Linux.Stack;

namespace DumpScope.Plugins.Triage.Sources;

/// <summary>
/// Every task in D state (TASK_UNINTERRUPTIBLE, TASK_KILLABLE included: /proc shows both as D) with its backtrace
/// and how long it has been off the CPU, grouped by identical stacks; the owner of the mutex it waits for when
/// its stack holds the mutex_waiter (best effort, see <see cref="MutexOwners"/>).
/// </summary>
/// <remarks>
/// How long: probed per kernel, first found wins. (1) <c>rq->clock_task - se.exec_start</c> of the task's CPU:
/// update_curr sets exec_start to rq_clock_task whenever the task's runtime is accounted, last when it was
/// switched out, so the difference is the time since it stopped running (as of the runqueue clock's last update
/// before the dump). (2) <c>rq->clock - sched_info.last_arrival</c> (CONFIG_SCHED_INFO): since it last got the
/// CPU, an upper bound. Neither is "blocked since" for a task that woke and slept again without running.
/// </remarks>
internal static class HungTaskSource
{
    /// <summary>Frames every sleeping task has; left out of the grouping key and the titles.</summary>
    public static readonly IReadOnlySet<string> SchedulerFrames = new HashSet<string>(StringComparer.Ordinal)
    {
        "__schedule", "schedule", "schedule_timeout", "io_schedule", "io_schedule_timeout", "schedule_preempt_disabled", "schedule_hrtimeout_range_clock",
    };

    /// <summary>How many tasks of a group are listed in its evidence.</summary>
    public const int MaxTasksListed = 8;

    public static void Run(TriageContext context)
    {
        var kernel = context.Kernel;
        var blocked = new List<BlockedTask>();
        var owners = new MutexOwners(context);
        var states = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var task in context.Tasks)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            TaskState state;
            try
            {
                state = KernelTasks.TaskStateOf(task);
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                context.Warnings.Add($"task {task.Address:x}: state unreadable: {KernelDataErrors.Reason(e)}");
                continue;
            }
            states[state.Name] = states.GetValueOrDefault(state.Name) + 1;
            if (state.Letter != 'D') continue;
            var trace = TaskFacts.Trace(context, task, null, out var problem);
            var (since, how) = BlockedFor(kernel, task);
            string? owner = trace is not null ? owners.Find(task, trace) : null;
            blocked.Add(new BlockedTask(task, TaskFacts.Pid(task), TaskFacts.Comm(task), trace, problem, since, how, owner));
        }
        context.AddSummary("D STATE TASKS", "d_state_tasks", Cell.Int(blocked.Count), blocked.Count > 0 ? new NavigationTarget("tasks", "ps") : null);
        context.AddSummary("TASK STATES", "task_states", Cell.Text(string.Join(", ", states.Select(s => $"{s.Key[0]} {s.Value}"))), new NavigationTarget("tasks", "ps"));
        if (states.Count > 0)
            context.Charts.Add(new ChartBlock(ChartKind.Bar, states.Keys, new ChartSeries("tasks", states.Values.Select(v => (double)v).ToArray()))
            { Title = "task states", LabelName = "state", OnlyWhereDrawn = true });
        if (blocked.Count == 0) return;

        var detail = new TableBlock(new Column("PID", CellKind.Integer, "pid"), new Column("COMM", CellKind.Text, "comm"), new Column("TASK", CellKind.Address, "task"),
            new Column("BLOCKED (s)", CellKind.Integer, "blocked_s"), new Column("HOW", CellKind.Text, "blocked_how"), new Column("LOCK OWNER", CellKind.Text, "lock_owner"),
            new Column("STACK", CellKind.Text, "stack")) { Title = "tasks in D state" };
        foreach (var group in blocked.GroupBy(b => b.StackKey).OrderByDescending(g => g.Count()))
        {
            var tasks = group.OrderByDescending(b => b.Blocked ?? TimeSpan.Zero).ToList();
            var first = tasks[0];
            var chain = first.Trace is null ? $"(no backtrace: {first.TraceProblem})" : TaskFacts.Chain(first.Functions, 5);
            var longest = tasks.Where(t => t.Blocked is not null).Select(t => t.Blocked!.Value).DefaultIfEmpty().Max();
            string duration = tasks.Any(t => t.Blocked is not null) ? $", longest off-CPU {SystemSource.Duration(longest)}" : "";
            var finding = new Finding(Severity.Error, "hung_tasks", "tasks",
                $"{tasks.Count} task{(tasks.Count == 1 ? "" : "s")} in D state blocked in {chain}{duration}");
            foreach (var t in tasks.Take(MaxTasksListed))
            {
                finding.Evidence.Add($"PID {t.Pid?.ToString(CultureInfo.InvariantCulture) ?? "?"} ({t.Comm}) task {t.Task.Address:x16}: "
                    + (t.Blocked is { } b ? $"off CPU {b.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)}s ({t.BlockedHow})" : $"how long unknown ({t.BlockedHow})")
                    + (t.LockOwner is { } o ? $"; waits for a mutex held by {o}" : ""));
            }
            if (tasks.Count > MaxTasksListed) finding.Evidence.Add($"… and {tasks.Count - MaxTasksListed} more with the same stack");
            if (first.Trace is not null)
                finding.Evidence.Add("stack: " + TaskFacts.Chain(first.Trace.Frames.Select(f => (f.Reliable ? "" : "? ") + (f.Symbol?.Symbol.Name ?? $"{f.Ip:x}")), 12));
            if (tasks.All(t => t.LockOwner is null) && first.Functions.Any(f => f.Contains("mutex_lock", StringComparison.Ordinal)))
                finding.Evidence.Add("mutex owner: not found (no mutex_waiter naming this task on its stack)");
            finding.Leads("backtrace", TaskFacts.Bt(first.Task)).Leads("task", new TaskTarget(first.Task.Address, first.Pid)).Leads("tasks", "ps");
            context.Findings.Add(finding);
            foreach (var t in tasks)
                detail.AddRow(t.Pid is { } p ? Cell.Int(p) : Cell.Unreadable("pid unreadable", CellKind.Integer), Cell.Text(t.Comm), Cell.Address(t.Task.Address),
                    t.Blocked is { } b ? Cell.Int((long)b.TotalSeconds) : Cell.NotAvailable(t.BlockedHow, CellKind.Integer), Cell.Text(t.BlockedHow),
                    t.LockOwner is { } o ? Cell.Text(o) : Cell.NotAvailable("not found"), Cell.Text(t.Trace is null ? "" : TaskFacts.Chain(t.Functions, 8)))
                    .WithTarget("backtrace", TaskFacts.Bt(t.Task));
        }
        context.Details.Add(detail);
    }

    private static (TimeSpan? Since, string How) BlockedFor(IKernel kernel, KernelObject task)
    {
        try
        {
            int cpu = KernelTasks.TaskCpu(task);
            var rq = Runqueues.CpuRq(kernel, cpu);
            if (task.HasMember("se.exec_start") && rq.HasMember("clock_task"))
            {
                ulong now = rq["clock_task"].ReadUnsigned(), then = task["se.exec_start"].ReadUnsigned();
                if (then > 0 && now >= then) return (TimeSpan.FromTicks((long)((now - then) / 100)), $"rq[{cpu}].clock_task - se.exec_start");
            }
            if (task.HasMember("sched_info.last_arrival") && rq.HasMember("clock"))
            {
                ulong now = rq["clock"].ReadUnsigned(), then = task["sched_info.last_arrival"].ReadUnsigned();
                if (then > 0 && now >= then) return (TimeSpan.FromTicks((long)((now - then) / 100)), $"rq[{cpu}].clock - sched_info.last_arrival (since it last got the CPU)");
            }
            return (null, "neither se.exec_start nor sched_info.last_arrival is usable");
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return (null, KernelDataErrors.Reason(e));
        }
    }
}
