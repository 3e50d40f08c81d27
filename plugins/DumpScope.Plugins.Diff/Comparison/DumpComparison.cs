using DumpScope.Plugins.Diff.Snapshots;

namespace DumpScope.Plugins.Diff.Comparison;

/// <summary>
/// Two snapshots set side by side: caches by name, tasks by task_struct address and pid (by pid and comm across
/// boots), kmem -i counters by row, modules by name. Pure data: tests build snapshots by hand.
/// </summary>
public sealed class DumpComparison
{
    private DumpComparison() { }

    /// <summary>Every cache of either dump, largest byte growth first (unknown growth last, then by name).</summary>
    public IReadOnlyList<CacheDelta> Caches { get; private init; } = [];

    /// <summary>Tasks that appeared, vanished, or changed state, parent or RSS.</summary>
    public IReadOnlyList<TaskChange> Tasks { get; private init; } = [];

    /// <summary>The kmem -i counters of both dumps.</summary>
    public IReadOnlyList<MemoryDelta> Memory { get; private init; } = [];

    /// <summary>Modules loaded, unloaded or reloaded.</summary>
    public IReadOnlyList<ModuleChange> Modules { get; private init; } = [];

    /// <summary>Parts missing from one dump or read only partly (each names the dump).</summary>
    public IReadOnlyList<string> Problems { get; private init; } = [];

    /// <summary>Compares; <paramref name="sameBoot"/> says whether task_struct addresses identify tasks.</summary>
    public static DumpComparison Compare(DumpSnapshot old, DumpSnapshot @new, bool sameBoot)
    {
        var problems = old.Problems.Select(p => $"old dump: {p}").Concat(@new.Problems.Select(p => $"new dump: {p}")).ToList();
        return new DumpComparison
        {
            Caches = old.Caches is null || @new.Caches is null ? [] : CompareCaches(old.Caches, @new.Caches),
            Tasks = old.Tasks is null || @new.Tasks is null ? [] : CompareTasks(old.Tasks, @new.Tasks, sameBoot),
            Memory = old.Memory is null || @new.Memory is null ? [] : CompareMemory(old.Memory, @new.Memory),
            Modules = old.Modules is null || @new.Modules is null ? [] : CompareModules(old.Modules, @new.Modules),
            Problems = problems,
        };
    }

    private static List<CacheDelta> CompareCaches(IReadOnlyList<CacheSnapshot> old, IReadOnlyList<CacheSnapshot> @new)
    {
        var before = old.GroupBy(c => c.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var after = @new.GroupBy(c => c.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return before.Keys.Union(after.Keys)
            .Select(name => new CacheDelta(name, before.GetValueOrDefault(name), after.GetValueOrDefault(name)))
            .OrderBy(d => d.Bytes is null ? 1 : 0)
            .ThenByDescending(d => d.Bytes ?? 0)
            .ThenByDescending(d => d.Objects ?? 0)
            .ThenBy(d => d.Name, StringComparer.Ordinal)
            .ToList();
    }

    private static List<TaskChange> CompareTasks(IReadOnlyList<TaskSnapshot> old, IReadOnlyList<TaskSnapshot> @new, bool sameBoot)
    {
        // Within a boot a task is its task_struct: a pid reused by another task is a task that vanished and one that
        // appeared. Across boots addresses mean nothing; pid and comm is the best there is.
        (ulong, int, string) Key(TaskSnapshot t) => sameBoot ? (t.Address, t.Pid, "") : (0, t.Pid, t.Comm);
        var before = old.GroupBy(Key).ToDictionary(g => g.Key, g => g.First());
        var after = @new.GroupBy(Key).ToDictionary(g => g.Key, g => g.First());
        var changes = new List<TaskChange>();
        foreach (var (key, task) in before)
        {
            if (!after.TryGetValue(key, out var now)) { changes.Add(new TaskChange(Change.Vanished, task, null)); continue; }
            var pair = new TaskChange(Change.Changed, task, now);
            bool differs = pair.StateChanged || task.Ppid != now.Ppid || task.Comm != now.Comm || (pair.RssGrowthKiB ?? 0) != 0;
            if (task.Problem is not null || now.Problem is not null) changes.Add(pair with { Change = differs ? Change.Changed : Change.Unreadable });
            else if (differs) changes.Add(pair);
        }
        foreach (var (key, task) in after)
            if (!before.ContainsKey(key)) changes.Add(new TaskChange(Change.Appeared, null, task));
        return changes.OrderBy(c => c.Change switch { Change.Appeared => 0, Change.Vanished => 1, Change.Changed => 2, _ => 3 })
            .ThenBy(c => c.Task.Pid).ToList();
    }

    private static List<MemoryDelta> CompareMemory(IReadOnlyList<MemoryInfoRow> old, IReadOnlyList<MemoryInfoRow> @new)
    {
        var after = @new.GroupBy(r => r.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var rows = new List<MemoryDelta>();
        foreach (var row in old)
        {
            after.TryGetValue(row.Name, out var now);
            var problem = string.Join("; ", new[] { row.Problem is { } a ? $"old: {a}" : null, now is null ? "new: no such row" : now.Problem is { } b ? $"new: {b}" : null }.OfType<string>());
            rows.Add(new MemoryDelta(row.Name, row.Pages, now?.Pages, problem.Length == 0 ? null : problem));
        }
        return rows;
    }

    private static List<ModuleChange> CompareModules(IReadOnlyList<ModuleSnapshot> old, IReadOnlyList<ModuleSnapshot> @new)
    {
        var before = old.GroupBy(m => m.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var after = @new.GroupBy(m => m.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var changes = new List<ModuleChange>();
        foreach (var (name, module) in before)
        {
            if (!after.TryGetValue(name, out var now)) changes.Add(new ModuleChange(Change.Vanished, module, null));
            // Another struct module under the same name: it was unloaded and loaded again.
            else if (now.Address != module.Address || now.State != module.State || now.Size != module.Size) changes.Add(new ModuleChange(Change.Changed, module, now));
        }
        foreach (var (name, module) in after)
            if (!before.ContainsKey(name)) changes.Add(new ModuleChange(Change.Appeared, null, module));
        return changes.OrderBy(c => c.Module.Name, StringComparer.Ordinal).ToList();
    }
}
