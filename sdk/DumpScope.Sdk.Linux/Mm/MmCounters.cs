namespace DumpScope.Sdk.Linux.Mm;

/// <summary>
/// An address space's page counters (<c>mm-&gt;rss_stat</c>, include/linux/mm.h get_mm_counter), probed by shape:
/// <list type="bullet">
/// <item>6.2+: <c>struct percpu_counter rss_stat[NR_MM_COUNTERS]</c> (commit f1a7941243c1 "mm: convert mm's rss
/// stats into percpu_counter"), summed over the possible CPUs as percpu_counter_sum does;</item>
/// <item>before: <c>struct mm_rss_stat { atomic_long_t count[NR_MM_COUNTERS]; }</c>, where with SPLIT_RSS_COUNTING
/// each task using the mm keeps unsynchronised deltas in <c>task-&gt;rss_stat.count[]</c> (int) that belong to the mm
/// (<see cref="TaskDeltas"/>).</item>
/// </list>
/// MM_SHMEMPAGES is the fourth counter since 4.5 (commit eca56ff906bd "mm, shmem: add internal shmem resident
/// memory accounting"); with three counters shmem is counted as file pages. Counters are clamped at 0 as
/// get_mm_counter does.
/// </summary>
public sealed class MmCounters
{
    /// <summary>MM_FILEPAGES.</summary>
    public const int FilePages = 0;

    /// <summary>MM_ANONPAGES.</summary>
    public const int AnonPages = 1;

    /// <summary>MM_SWAPENTS.</summary>
    public const int SwapEntries = 2;

    /// <summary>MM_SHMEMPAGES (4.5+).</summary>
    public const int ShmemPages = 3;

    private MmCounters(IKernel kernel)
    {
        var mm = StructLayout.TryProbe(kernel, "struct mm_struct");
        if (mm is null) return;
        TotalVm = mm.FindScalar("total_vm");
        if (mm.Find("rss_stat.count") is { } atomics && atomics.Type.Resolve() is { Kind: TypeKind.Array } array && array.Target!.Resolve().Size == 8)
        {
            Kind = MmCounterKind.AtomicLong;
            Offset = atomics.Offset;
            Count = (int)array.ArrayLength;
            Stride = 8;
        }
        else if (mm.Find("rss_stat") is { } stat && stat.Type.Resolve() is { Kind: TypeKind.Array } percpu
                 && percpu.Target!.Resolve() is { Kind: TypeKind.Struct } counter && counter.HasMember("count") && counter.HasMember("counters"))
        {
            Kind = MmCounterKind.PercpuCounter;
            Offset = stat.Offset;
            Count = (int)percpu.ArrayLength;
            Stride = counter.Size;
            CounterType = percpu.Target;
        }
        if (Count is < 2 or > 16) (Kind, Count) = (MmCounterKind.None, 0);
        var task = StructLayout.TryProbe(kernel, "struct task_struct");
        if (Kind == MmCounterKind.AtomicLong && task?.Find("rss_stat.count") is { } deltas
            && deltas.Type.Resolve() is { Kind: TypeKind.Array } d && d.Target!.Resolve().Size == 4)
        {
            TaskDeltas = deltas;
            TaskDeltaCount = (int)d.ArrayLength;
        }
    }

    /// <summary>The counters of <paramref name="kernel"/> (probed once).</summary>
    public static MmCounters Of(IKernel kernel) => KernelProbes.Get(kernel, k => new MmCounters(k));

    /// <summary>How the counters are stored.</summary>
    public MmCounterKind Kind { get; }

    /// <summary>NR_MM_COUNTERS (0 when not recognised).</summary>
    public int Count { get; }

    /// <summary>mm_struct.total_vm (pages), when present.</summary>
    public ProbedMember? TotalVm { get; }

    /// <summary>task_struct.rss_stat.count: the per-thread deltas of SPLIT_RSS_COUNTING kernels (before 6.2), else null.</summary>
    public ProbedMember? TaskDeltas { get; }

    /// <summary>Element count of <see cref="TaskDeltas"/>.</summary>
    public int TaskDeltaCount { get; }

    /// <summary>The counter indices RSS adds, as get_mm_rss: file, anon and (when present) shmem.</summary>
    public IReadOnlyList<int> RssCounters => Count > ShmemPages ? [FilePages, AnonPages, ShmemPages] : [FilePages, AnonPages];

    /// <summary>Bytes of an mm_struct that hold total_vm and the counters (what a reader needs to load).</summary>
    public ulong ReadLength => Math.Max(TotalVm?.End ?? 0, Kind == MmCounterKind.None ? 0 : Offset + (ulong)Count * Stride);

    private static readonly KernelType Long = new IntegerType("long", 8, true);
    private static readonly KernelType Int = new IntegerType("int", 4, true);

    private ulong Offset { get; }
    private ulong Stride { get; }
    private KernelType? CounterType { get; }

    /// <summary>
    /// get_mm_counter(mm, member) before clamping: the counter <paramref name="member"/> of <paramref name="mm"/>,
    /// plus on SPLIT_RSS_COUNTING kernels the deltas of <paramref name="tasks"/> (every task whose mm it is).
    /// False with the reason when unreadable or not recognised.
    /// </summary>
    public bool TryRead(KernelObject mm, int member, IEnumerable<KernelObject> tasks, out long value, out string? problem)
    {
        value = 0;
        problem = null;
        if (Kind == MmCounterKind.None || member < 0 || member >= Count)
        {
            problem = "mm_struct rss_stat counters not recognised";
            return false;
        }
        ulong at = mm.Address + Offset + (ulong)member * Stride;
        if (Kind == MmCounterKind.PercpuCounter)
        {
            if (PerCpuMemory.TryPercpuCounterSum(new KernelObject(mm.Kernel, CounterType!, at), out value, out _, out var why)) return true;
            problem = $"rss_stat[{member}]: {why}";
            return false;
        }
        if (!mm.TryReadUnsigned(new MemberLocation((Offset + (ulong)member * Stride) * 8, 0, Long), out var raw, out var fault))
        {
            problem = fault!.Message;
            return false;
        }
        value = (long)raw;
        if (TaskDeltas is null || member >= TaskDeltaCount) return true;
        foreach (var task in tasks)
        {
            if (!task.TryReadUnsigned(new MemberLocation((TaskDeltas.Offset + (ulong)member * 4) * 8, 0, Int), out var d, out fault))
            {
                problem = $"rss_stat of task {task.Address:x}: {fault!.Message}";
                return false;
            }
            value += (int)d;
        }
        return true;
    }

    /// <summary>
    /// get_mm_rss: the resident pages of <paramref name="mm"/> (MM_FILEPAGES + MM_ANONPAGES, + MM_SHMEMPAGES where
    /// the kernel has it), each counter clamped at 0 as get_mm_counter does; <paramref name="tasks"/> are the tasks
    /// using the mm (their SPLIT_RSS_COUNTING deltas count before 6.2). False with the reason when unreadable.
    /// </summary>
    public bool TryReadRss(KernelObject mm, IEnumerable<KernelObject> tasks, out long pages, out string? problem)
    {
        pages = 0;
        problem = null;
        var users = tasks as IReadOnlyCollection<KernelObject> ?? tasks.ToArray();
        foreach (int index in RssCounters)
        {
            if (!TryRead(mm, index, users, out var counter, out problem)) return false;
            pages += Math.Max(0, counter);
        }
        return true;
    }
}
