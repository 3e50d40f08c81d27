namespace DumpScope.Plugins.Tasks;

/// <summary>
/// VSZ and RSS per task, as the kernel's task_statm/get_mm_rss count them: RSS = MM_FILEPAGES + MM_ANONPAGES
/// (+ MM_SHMEMPAGES), each counter read by <see cref="MmCounters"/> (atomic counters plus the tasks'
/// SPLIT_RSS_COUNTING deltas before 6.2, percpu_counters from 6.2) and clamped at 0 as get_mm_counter does.
/// </summary>
internal sealed class MemoryUsageReader
{
    private readonly IKernel _kernel;
    private readonly MmCounters _counters;
    private readonly ILookup<ulong, TaskInfo> _tasksByMm;
    private readonly ulong? _totalRamPages;
    private readonly Dictionary<ulong, MemoryUsage> _byMm = [];
    private readonly Lazy<KernelType?> _mmType;
    private byte[]? _buffer;

    public MemoryUsageReader(IKernel kernel, TaskTable table)
    {
        _kernel = kernel;
        _mmType = new Lazy<KernelType?>(() => kernel.Types.TryParse("struct mm_struct"), LazyThreadSafetyMode.None);
        _counters = MmCounters.Of(kernel);
        _tasksByMm = table.Tasks.Where(t => t.Mm is > 0).ToLookup(t => t.Mm!.Value);
        _totalRamPages = ReadTotalRam(kernel, out var note);
        TotalRamNote = note;
    }

    /// <summary>Why %MEM is unavailable, or null.</summary>
    public string? TotalRamNote { get; }

    /// <summary>
    /// Reads ahead the mm_structs of <paramref name="count"/> tasks from <paramref name="from"/> on whose usage is not
    /// known yet: their pages are decompressed in parallel (ps asks for the usage of 100,000 tasks in order).
    /// </summary>
    public void Prefetch(IReadOnlyList<TaskInfo> tasks, int from, int count)
    {
        var mms = new List<ulong>();
        for (int i = from; i < Math.Min(tasks.Count, from + count); i++)
            if (tasks[i].Mm is { } mm and not 0 && KernelAddress.IsKernel(mm) && !_byMm.ContainsKey(mm)) mms.Add(mm);
        if (mms.Count > 1) _kernel.Memory.Prefetch(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(mms), (int)Math.Max(_counters.ReadLength, 8));
    }

    public MemoryUsage For(TaskInfo task)
    {
        if (task.Mm is not { } mm) return new MemoryUsage(null, null, null, task.WhyUnreadable("mm") ?? "mm not available on this kernel");
        if (mm == 0) return MemoryUsage.None;
        if (_byMm.TryGetValue(mm, out var known)) return known;
        var usage = Read(mm);
        _byMm[mm] = usage;
        return usage;
    }

    private MemoryUsage Read(ulong mm)
    {
        if (!KernelAddress.IsKernel(mm)) return new MemoryUsage(null, null, null, $"mm {mm:x} is not a kernel address");
        if (_mmType.Value is not { } mmType) return new MemoryUsage(null, null, null, "mm_struct has no total_vm");
        // One buffer for every mm: the counters are read from it before the next mm is loaded.
        ulong length = Math.Max(_counters.ReadLength, 8);
        var loaded = new KernelObject(_kernel, mmType, mm).Load(length, "mm_struct", _buffer ??= new byte[length]);
        ulong kibPerPage = (ulong)_kernel.PageSize / 1024;
        ulong? vsz = null;
        string? problem = null;
        if (_counters.TotalVm is null) problem = "mm_struct has no total_vm";
        else if (loaded.TryUnsigned(_counters.TotalVm, out var totalVm, out var why)) vsz = totalVm * kibPerPage;
        else problem = $"total_vm unreadable: {why}";

        ulong? rss = null;
        var parts = new Dictionary<int, ulong>();
        if (_counters.Kind == MmCounterKind.None) problem ??= "mm_struct rss_stat counters not recognised";
        else
        {
            var tasks = _tasksByMm[mm].Select(t => t.Object).ToArray();
            foreach (int index in _counters.RssCounters)
            {
                if (!_counters.TryRead(loaded, index, tasks, out var counter, out var why))
                {
                    problem ??= why;
                    break;
                }
                parts[index] = (ulong)Math.Max(0, counter) * kibPerPage;
            }
            if (parts.Count == _counters.RssCounters.Count) rss = parts.Values.Aggregate(0UL, (a, b) => a + b);
        }
        double? percent = rss is { } r && _totalRamPages is { } total and > 0 ? r / (double)kibPerPage * 100.0 / total : null;
        return new MemoryUsage(vsz, rss, percent, problem)
        {
            FileKiB = parts.TryGetValue(MmCounters.FilePages, out var file) ? file : null,
            AnonKiB = parts.TryGetValue(MmCounters.AnonPages, out var anon) ? anon : null,
            ShmemKiB = parts.TryGetValue(MmCounters.ShmemPages, out var shmem) ? shmem : _counters.Count > MmCounters.ShmemPages ? null : 0,
        };
    }

    private static ulong? ReadTotalRam(IKernel kernel, out string? note)
    {
        note = null;
        // _totalram_pages is an atomic_long_t since 5.0; totalram_pages was a plain unsigned long before.
        foreach (var name in new[] { "_totalram_pages", "totalram_pages" })
        {
            if (!kernel.Symbols.TryGetAddress(name, out var address)) continue;
            if (kernel.Memory.TryReadU64(address, out var pages, out var fault)) return pages;
            note = $"{name} unreadable: {fault!.Message}";
            return null;
        }
        note = "totalram_pages not in the symbol table: %MEM unknown";
        return null;
    }
}
