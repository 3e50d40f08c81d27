using DumpScope.Plugins.Triage.Findings;

namespace DumpScope.Plugins.Triage.Sources;

/// <summary>The processes with the largest resident set (get_mm_rss: file + anon + shmem pages, as ps and /proc count them).</summary>
internal static class RssSource
{
    /// <summary>How many processes the list holds.</summary>
    public const int Top = 10;

    public static void Run(TriageContext context)
    {
        var kernel = context.Kernel;
        var counters = MmCounters.Of(kernel);
        if (counters.Kind == MmCounterKind.None || kernel.Types.TryParse("struct mm_struct") is not { } mmType) return;
        var byMm = new Dictionary<ulong, List<KernelObject>>();
        foreach (var task in context.Tasks)
        {
            try
            {
                ulong mm = task["mm"].ReadPointer();
                if (mm == 0) continue;
                if (!byMm.TryGetValue(mm, out var list)) byMm[mm] = list = [];
                list.Add(task);
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                context.Warnings.Add($"task {task.Address:x}: mm unreadable: {KernelDataErrors.Reason(e)}");
            }
        }
        ulong kib = (ulong)kernel.PageSize / 1024;
        var rows = new List<(KernelObject Leader, ulong RssKiB, int Threads)>();
        foreach (var (mm, tasks) in byMm)
        {
            var mmObject = new KernelObject(kernel, mmType, mm);
            long pages = 0;
            bool ok = true;
            foreach (int index in counters.RssCounters)
            {
                if (!counters.TryRead(mmObject, index, tasks, out var value, out _)) { ok = false; break; }
                pages += Math.Max(0, value);
            }
            if (!ok) continue;
            var leader = tasks.FirstOrDefault(t => TaskFacts.Pid(t) is { } p && Try(() => KernelTasks.TaskTgid(t)) == p) ?? tasks[0];
            rows.Add((leader, (ulong)pages * kib, tasks.Count));
        }
        var top = rows.OrderByDescending(r => r.RssKiB).Take(Top).ToList();
        if (top.Count == 0) return;
        var finding = new Finding(Severity.Info, "top_rss", "mm_struct", "largest processes by RSS: "
            + string.Join(", ", top.Take(3).Select(r => $"{TaskFacts.Comm(r.Leader)} ({TaskFacts.Pid(r.Leader)}) {MemorySource.Size(r.RssKiB * 1024)}")));
        context.Findings.Add(finding.Leads("tasks", "ps"));
        var table = new TableBlock(new Column("PID", CellKind.Integer, "pid"), new Column("COMM", CellKind.Text, "comm"), new Column("TASK", CellKind.Address, "task"),
            new Column("RSS", CellKind.Size, "rss"), new Column("THREADS", CellKind.Integer, "threads")) { Title = $"top {Top} processes by RSS" };
        foreach (var (leader, rss, threads) in top)
            table.AddRow(TaskFacts.Pid(leader) is { } p ? Cell.Int(p) : Cell.Unreadable("pid unreadable", CellKind.Integer), Cell.Text(TaskFacts.Comm(leader)),
                Cell.Address(leader.Address), Cell.Size(rss * 1024), Cell.Int(threads)).WithTarget("task", new TaskTarget(leader.Address, TaskFacts.Pid(leader)));
        context.Details.Add(table);
    }

    private static int? Try(Func<int> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            return null;
        }
    }
}
