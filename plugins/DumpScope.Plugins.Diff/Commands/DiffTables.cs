using DumpScope.Plugins.Diff.Comparison;
using DumpScope.Plugins.Diff.Snapshots;

namespace DumpScope.Plugins.Diff.Commands;

/// <summary>diff's result: a summary record, a chart of the top growers, and one table per part compared.</summary>
public static class DiffTables
{
    /// <summary>The result of <paramref name="comparison"/> as blocks.</summary>
    public static CommandResult Render(DumpComparison comparison, DumpSnapshot old, DiffView view)
    {
        var result = new CommandResult();
        var caches = Ranked(comparison.Caches, view.Sort).ToList();
        var shownCaches = view.All ? caches : caches.Where(c => c.Change != Change.Unchanged).ToList();
        var stateChanges = comparison.Tasks.Where(t => t.Change is Change.Appeared or Change.Vanished or Change.Unreadable
            || t.StateChanged || t.Old?.Ppid != t.New?.Ppid || t.Old?.Comm != t.New?.Comm).ToList();
        var rss = comparison.Tasks.Where(t => t.Change == Change.Changed && t.Task.IsLeader && (t.RssGrowthKiB ?? 0) != 0)
            .OrderByDescending(t => t.RssGrowthKiB).ThenBy(t => t.Task.Pid).ToList();

        var summary = result.Add(new RecordBlock { Title = "diff" });
        summary.Add("NEW DUMP", "new_dump", Cell.Text(view.NewDump));
        summary.Add("RELEASE", "release", Cell.Text(old.Identity.Release));
        summary.Add("BUILD-ID", "build_id", old.Identity.BuildId is { } id ? Cell.Text(id) : Cell.NotAvailable("no BUILD-ID in VMCOREINFO"));
        summary.Add("KERNEL OFFSET", "kernel_offset", Cell.Hex(old.Identity.KernelOffset));
        summary.Add("SAME BOOT", "same_boot", Cell.Bool(view.SameBoot));
        summary.Add("CACHES GROWN", "caches_grown", Cell.Int(caches.Count(c => c.Bytes > 0 || c.Objects > 0)));
        summary.Add("CACHES UNREADABLE", "caches_unreadable", Cell.Int(caches.Count(c => c.Change == Change.Unreadable)));
        summary.Add("SLAB GROWTH", "slab_growth_bytes", Cell.Int(caches.Sum(c => c.Bytes ?? 0)).Displayed(SignedSize(caches.Sum(c => c.Bytes ?? 0))));
        summary.Add("TASKS APPEARED", "tasks_appeared", Cell.Int(comparison.Tasks.Count(t => t.Change == Change.Appeared)));
        summary.Add("TASKS VANISHED", "tasks_vanished", Cell.Int(comparison.Tasks.Count(t => t.Change == Change.Vanished)));
        summary.Add("MODULES CHANGED", "modules_changed", Cell.Int(comparison.Modules.Count));

        var growers = caches.Where(c => Growth(c, view.Sort) > 0).Take(view.Top).ToList();
        if (growers.Count > 0)
        {
            var (series, kind) = view.Sort switch
            {
                DiffSort.Objects => ("objects", CellKind.Integer),
                DiffSort.Slabs => ("slabs", CellKind.Integer),
                _ => ("bytes", CellKind.Size),
            };
            result.Add(new ChartBlock(ChartKind.Bar, growers.Select(c => c.Name), new ChartSeries($"{series} growth", growers.Select(c => (double)Growth(c, view.Sort)!.Value).ToArray()) { Key = $"{series}_growth" })
            {
                Title = $"top slab growers by {series}", ValueKind = kind, LabelName = "cache",
            });
        }
        result.Add(CacheTable(shownCaches, view.Sort));
        result.Add(TaskTable(stateChanges));
        result.Add(RssTable(rss));
        result.Add(MemoryTable(comparison.Memory, old.PageSize));
        result.Add(ModuleTable(comparison.Modules));
        return result;
    }

    private static IEnumerable<CacheDelta> Ranked(IEnumerable<CacheDelta> caches, DiffSort sort) => caches
        .OrderBy(c => Growth(c, sort) is null ? 1 : 0)
        .ThenByDescending(c => Growth(c, sort) ?? 0)
        .ThenByDescending(c => c.Bytes ?? 0)
        .ThenBy(c => c.Name, StringComparer.Ordinal);

    private static long? Growth(CacheDelta cache, DiffSort sort) => sort switch
    {
        DiffSort.Objects => cache.Objects,
        DiffSort.Slabs => cache.Slabs,
        _ => cache.Bytes,
    };

    private static TableBlock CacheTable(IReadOnlyList<CacheDelta> caches, DiffSort sort)
    {
        var table = new TableBlock(
            new Column("NAME", CellKind.Text, "name"), new Column("OBJSIZE", CellKind.Size, "objsize"),
            new Column("OLD ALLOC", CellKind.Integer, "old_allocated"), new Column("NEW ALLOC", CellKind.Integer, "new_allocated"),
            new Column("+OBJECTS", CellKind.Integer, "delta_objects"),
            new Column("OLD SLABS", CellKind.Integer, "old_slabs"), new Column("NEW SLABS", CellKind.Integer, "new_slabs"),
            new Column("+SLABS", CellKind.Integer, "delta_slabs"), new Column("+BYTES", CellKind.Integer, "delta_bytes"),
            new Column("CHANGE", CellKind.Enum, "change"))
        { Title = $"slab caches by growth of {sort.ToString().ToLowerInvariant()}" };
        foreach (var cache in caches)
        {
            var problem = cache.Problem;
            Cell Count(CacheSnapshot? side, Func<CacheSnapshot, long?> count) =>
                side is null ? Cell.NotApplicable(CellKind.Integer)
                : count(side) is { } v ? Cell.Int(v)
                : Cell.Unreadable(side.Problem ?? "not counted", CellKind.Integer);
            Cell Delta(long? value) => value is { } v ? Signed(v) : Cell.Unreadable(problem ?? "not counted", CellKind.Integer);
            var any = cache.New ?? cache.Old!;
            var row = table.AddRow(Cell.Text(cache.Name), Cell.Size(any.ObjectSize),
                Count(cache.Old, c => c.Allocated), Count(cache.New, c => c.Allocated), Delta(cache.Objects),
                Count(cache.Old, c => c.Slabs), Count(cache.New, c => c.Slabs), Delta(cache.Slabs),
                cache.Bytes is { } bytes ? Signed(bytes, size: true) : Delta(null),
                Cell.Enum(cache.Change.Word()));
            row.Problem = problem;
            if (cache.Old is not null) row.WithTarget("this cache in the old dump", $"kmem -s {cache.Name}");
        }
        return table;
    }

    private static TableBlock TaskTable(IReadOnlyList<TaskChange> tasks)
    {
        var table = new TableBlock(
            new Column("CHANGE", CellKind.Enum, "change"), new Column("PID", CellKind.Integer, "pid"), new Column("TGID", CellKind.Integer, "tgid"),
            new Column("PPID", CellKind.Integer, "ppid"), new Column("OLD ST", CellKind.Enum, "old_state"), new Column("NEW ST", CellKind.Enum, "new_state"),
            new Column("RSS (KiB)", CellKind.Integer, "rss_kib"), new Column("TASK", CellKind.Address, "task"), new Column("COMM", CellKind.Text, "comm"))
        { Title = "tasks appeared, vanished or changed state" };
        foreach (var change in tasks)
        {
            var task = change.Task;
            var row = table.AddRow(Cell.Enum(change.Change.Word()), Cell.Int(task.Pid), Cell.Int(task.Tgid),
                task.Ppid is { } ppid ? Cell.Int(ppid) : Cell.Unreadable(task.Problem ?? "ppid unreadable", CellKind.Integer),
                State(change.Old), State(change.New),
                task.RssKiB is { } rss ? Cell.Int(rss) : Cell.Unreadable(task.Problem ?? "rss unreadable", CellKind.Integer),
                Cell.Address(task.Address), Cell.Text(task.Comm));
            row.Problem = string.Join("; ", new[] { change.Old?.Problem, change.New?.Problem }.OfType<string>().Distinct()) is { Length: > 0 } p ? p : null;
            if (change.New is not null) row.WithTarget("task in the open (old) dump", $"task {task.Pid}");
        }
        return table;
    }

    private static Cell State(TaskSnapshot? task) =>
        task is null ? Cell.NotApplicable(CellKind.Enum) : task.State is { } s ? Cell.Enum(s) : Cell.Unreadable(task.Problem ?? "state unreadable", CellKind.Enum);

    private static TableBlock RssTable(IReadOnlyList<TaskChange> tasks)
    {
        var table = new TableBlock(
            new Column("PID", CellKind.Integer, "pid"), new Column("OLD RSS (KiB)", CellKind.Integer, "old_rss_kib"),
            new Column("NEW RSS (KiB)", CellKind.Integer, "new_rss_kib"), new Column("+RSS (KiB)", CellKind.Integer, "delta_rss_kib"),
            new Column("COMM", CellKind.Text, "comm"))
        { Title = "RSS growth per process" };
        foreach (var change in tasks)
            table.AddRow(Cell.Int(change.Task.Pid), Cell.Int(change.Old!.RssKiB!.Value), Cell.Int(change.New!.RssKiB!.Value), Signed(change.RssGrowthKiB!.Value), Cell.Text(change.Task.Comm));
        return table;
    }

    private static TableBlock MemoryTable(IReadOnlyList<MemoryDelta> rows, int pageSize)
    {
        var table = new TableBlock(
            new Column("", CellKind.Text, "name"), new Column("OLD PAGES", CellKind.Integer, "old_pages"), new Column("NEW PAGES", CellKind.Integer, "new_pages"),
            new Column("+PAGES", CellKind.Integer, "delta_pages"), new Column("+BYTES", CellKind.Integer, "delta_bytes"))
        { Title = "memory (kmem -i)" };
        foreach (var row in rows)
        {
            Cell Pages(long? value) => value is { } v ? Cell.Int(v) : Cell.NotAvailable(row.Problem ?? "not available", CellKind.Integer);
            var added = table.AddRow(Cell.Text(row.Name), Pages(row.OldPages), Pages(row.NewPages),
                row.Pages is { } d ? Signed(d) : Cell.NotAvailable(row.Problem ?? "not available", CellKind.Integer),
                row.Pages is { } b ? Signed(b * pageSize, size: true) : Cell.NotAvailable(row.Problem ?? "not available", CellKind.Integer));
            added.Problem = row.Problem;
        }
        return table;
    }

    private static TableBlock ModuleTable(IReadOnlyList<ModuleChange> modules)
    {
        var table = new TableBlock(
            new Column("CHANGE", CellKind.Enum, "change"), new Column("NAME", CellKind.Text, "name"), new Column("SIZE", CellKind.Size, "size"),
            new Column("OLD STATE", CellKind.Enum, "old_state"), new Column("NEW STATE", CellKind.Enum, "new_state"), new Column("MODULE", CellKind.Address, "module"))
        { Title = "modules loaded or unloaded" };
        foreach (var change in modules)
        {
            var m = change.Module;
            table.AddRow(Cell.Enum(change.Change == Change.Appeared ? "loaded" : change.Change == Change.Vanished ? "unloaded" : "reloaded"),
                Cell.Text(m.Name), Cell.Size(m.Size),
                change.Old is { } o ? Cell.Enum(o.State) : Cell.NotApplicable(CellKind.Enum),
                change.New is { } n ? Cell.Enum(n.State) : Cell.NotApplicable(CellKind.Enum), Cell.Address(m.Address));
        }
        return table;
    }

    /// <summary>A growth with its sign shown ("+50000", "-12"); the value stays a number for JSON and CSV.</summary>
    private static Cell Signed(long value, bool size = false) =>
        Cell.Int(value).Displayed(size ? SignedSize(value) : value > 0 ? $"+{value.ToString(CultureInfo.InvariantCulture)}" : value.ToString(CultureInfo.InvariantCulture));

    private static string SignedSize(long bytes)
    {
        var magnitude = (ulong)Math.Abs(bytes);
        string text = magnitude >= 1 << 20 ? $"{magnitude / (double)(1 << 20):0.0}m" : magnitude >= 1 << 10 ? $"{magnitude / 1024.0:0.0}k" : $"{magnitude}";
        return (bytes < 0 ? "-" : bytes > 0 ? "+" : "") + text.Replace(".0k", "k", StringComparison.Ordinal).Replace(".0m", "m", StringComparison.Ordinal);
    }
}
