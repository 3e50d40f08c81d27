using DumpScope.Sdk.Linux.Modules;
using DumpScope.Sdk.Linux.Slab;

namespace DumpScope.Plugins.Diff.Snapshots;

/// <summary>
/// Reads a <see cref="DumpSnapshot"/> from a kernel with the Linux helpers: every slab cache's kmem -s numbers
/// (<see cref="SlabHelpers.SlabCacheStatistics"/>), every task (<see cref="KernelTasks"/>) with its mm's RSS
/// (<see cref="MmCounters.TryReadRss"/>), kmem -i's counters (<see cref="MemoryInfoReader"/>, without the struct page
/// scan behind SHARED) and the module list. Never throws for bad kernel data: what is unreadable is marked.
/// </summary>
public static class SnapshotReader
{
    /// <summary>Reads every part; <paramref name="progress"/> hears which part is being read.</summary>
    public static DumpSnapshot Read(IKernel kernel, CancellationToken cancellation = default, Action<string>? progress = null)
    {
        var problems = new List<string>();
        progress?.Invoke("slab caches");
        var caches = ReadCaches(kernel, problems, cancellation);
        progress?.Invoke("tasks");
        var tasks = ReadTasks(kernel, problems, cancellation);
        progress?.Invoke("memory counters");
        var memory = ReadMemory(kernel, problems, cancellation);
        progress?.Invoke("modules");
        var modules = ReadModules(kernel, problems, cancellation);
        var snapshot = new DumpSnapshot
        {
            Identity = KernelIdentity.Of(kernel), Caches = caches, Tasks = tasks, Memory = memory, Modules = modules, PageSize = kernel.PageSize,
        };
        snapshot.Problems.AddRange(problems);
        return snapshot;
    }

    private static List<CacheSnapshot>? ReadCaches(IKernel kernel, List<string> problems, CancellationToken cancellation)
    {
        WalkResult<ulong> walk;
        try
        {
            walk = SlabHelpers.ForEachSlabCache(kernel, cancellation);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            problems.Add($"slab caches: {KernelDataErrors.Reason(e)}");
            return null;
        }
        if (!walk.IsComplete) problems.Add($"slab_caches: {walk.Problem}");
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var caches = new List<CacheSnapshot>(walk.Items.Count);
        foreach (var address in walk.Items)
        {
            cancellation.ThrowIfCancellationRequested();
            var stats = SlabHelpers.SlabCacheStatistics(kernel, address, cancellation);
            // A cache whose name cannot be read is still a cache: it is known by its address (it cannot be matched).
            var name = stats.Name ?? $"<unreadable name {address:x}>";
            seen[name] = seen.TryGetValue(name, out var n) ? n + 1 : 1;
            if (seen[name] > 1) name = $"{name}#{seen[name]}";
            string? problem = stats.Problems.Count == 0 ? null : string.Join("; ", stats.Problems);
            caches.Add(new CacheSnapshot(name, address, stats.CrashObjectSize, stats.Allocated, stats.Slabs, stats.SlabSize, problem));
        }
        return caches;
    }

    private static List<TaskSnapshot>? ReadTasks(IKernel kernel, List<string> problems, CancellationToken cancellation)
    {
        WalkResult<KernelObject> walk;
        TaskStructLayout layout;
        try
        {
            layout = TaskStructLayout.Of(kernel);
            walk = KernelTasks.ForEachTask(kernel, cancellation);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            problems.Add($"tasks: {KernelDataErrors.Reason(e)}");
            return null;
        }
        if (!walk.IsComplete) problems.Add($"task list: {walk.Problem}");
        var counters = MmCounters.Of(kernel);
        var mmType = kernel.Types.TryParse("struct mm_struct");
        var byMm = new Dictionary<ulong, List<KernelObject>>();
        var rows = new List<(KernelObject Task, int Pid, int Tgid, int? Ppid, string Comm, string? State, ulong Mm, string? Problem)>();
        foreach (var task in walk.Items)
        {
            cancellation.ThrowIfCancellationRequested();
            int pid, tgid;
            string comm;
            try
            {
                pid = KernelTasks.TaskPid(task);
                tgid = KernelTasks.TaskTgid(task);
                comm = KernelTasks.TaskComm(task);
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                problems.Add($"task {task.Address:x}: {KernelDataErrors.Reason(e)}");
                continue;
            }
            var why = new List<string>();
            int? ppid = Try(() => KernelTasks.TaskPpid(task), "ppid", why);
            string? state = Try(() => KernelTasks.TaskStateOf(task).Letter.ToString(), "state", why);
            ulong mm = layout.Mm is { } m ? Try(() => task.Member(m).ReadPointer(), "mm", why) ?? 0 : 0;
            if (mm != 0)
            {
                if (!byMm.TryGetValue(mm, out var users)) byMm[mm] = users = [];
                users.Add(task);
            }
            rows.Add((task, pid, tgid, ppid, comm, state, mm, why.Count == 0 ? null : string.Join("; ", why)));
        }
        var rss = new Dictionary<ulong, (long? KiB, string? Problem)>();
        long kibPerPage = kernel.PageSize / 1024;
        foreach (var (mm, users) in byMm)
        {
            if (mmType is null) { rss[mm] = (null, "struct mm_struct is not in the kernel's types"); continue; }
            rss[mm] = counters.TryReadRss(new KernelObject(kernel, mmType, mm), users, out var pages, out var problem)
                ? (pages * kibPerPage, null) : (null, problem);
        }
        return rows.Select(r =>
        {
            var (kib, rssProblem) = r.Mm == 0 ? (0L, null) : rss[r.Mm];
            var problem = string.Join("; ", new[] { r.Problem, rssProblem is null ? null : $"rss: {rssProblem}" }.OfType<string>());
            return new TaskSnapshot(r.Task.Address, r.Pid, r.Tgid, r.Ppid, r.Comm, r.State, kib, problem.Length == 0 ? null : problem);
        }).ToList();
    }

    private static T? Try<T>(Func<T> read, string what, List<string> why) where T : struct
    {
        try
        {
            return read();
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            why.Add($"{what} unreadable: {KernelDataErrors.Reason(e)}");
            return null;
        }
    }

    private static string? Try(Func<string> read, string what, List<string> why)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            why.Add($"{what} unreadable: {KernelDataErrors.Reason(e)}");
            return null;
        }
    }

    private static IReadOnlyList<MemoryInfoRow>? ReadMemory(IKernel kernel, List<string> problems, CancellationToken cancellation)
    {
        try
        {
            return MemoryInfoReader.Read(kernel, null, cancellation).Rows.Where(r => r.Name != "SHARED").ToArray();
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            problems.Add($"memory counters: {KernelDataErrors.Reason(e)}");
            return null;
        }
    }

    private static List<ModuleSnapshot>? ReadModules(IKernel kernel, List<string> problems, CancellationToken cancellation)
    {
        try
        {
            var walk = ModuleList.ForEachModule(kernel, cancellation);
            if (walk.Problem is not null) problems.Add($"modules: {walk.Problem}");
            return walk.Modules.Select(m => new ModuleSnapshot(m.Name, m.Address, m.Size, m.StateWord)).ToList();
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            problems.Add($"modules: {KernelDataErrors.Reason(e)}");
            return null;
        }
    }
}
