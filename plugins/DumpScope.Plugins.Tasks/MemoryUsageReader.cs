using System.Buffers.Binary;
using DumpScope.Plugins.Tasks.Layout;
using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Linux.Objects;
using DumpScope.Sdk.Linux.PerCpu;
using DumpScope.Sdk.Memory;

namespace DumpScope.Plugins.Tasks;

/// <summary>
/// VSZ and RSS per task, as the kernel's task_statm/get_mm_rss count them: RSS = MM_FILEPAGES + MM_ANONPAGES
/// (+ MM_SHMEMPAGES) from mm->rss_stat, where before 6.2 each task keeps unsynchronised deltas in
/// task->rss_stat (SPLIT_RSS_COUNTING) that belong to its mm and are added here, and from 6.2 the counters are
/// percpu_counters summed over the possible CPUs. Each counter is clamped at 0 as get_mm_counter does.
/// </summary>
internal sealed class MemoryUsageReader
{
    private readonly IKernel _kernel;
    private readonly MmLayout _mm;
    private readonly TaskLayout _tasks;
    private readonly ILookup<ulong, TaskInfo> _tasksByMm;
    private readonly ulong? _totalRamPages;
    private readonly Dictionary<ulong, MemoryUsage> _byMm = [];

    public MemoryUsageReader(IKernel kernel, MmLayout mm, TaskLayout tasks, TaskTable table)
    {
        _kernel = kernel;
        _mm = mm;
        _tasks = tasks;
        _tasksByMm = table.Tasks.Where(t => t.Mm is > 0).ToLookup(t => t.Mm!.Value);
        _totalRamPages = ReadTotalRam(kernel, out var note);
        TotalRamNote = note;
    }

    /// <summary>Why %MEM is unavailable, or null.</summary>
    public string? TotalRamNote { get; }

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
        var bytes = ObjectBytes.Read(_kernel.Memory, mm, Math.Max(_mm.ReadLength, 8), "mm_struct", _kernel.PageSize);
        ulong kibPerPage = (ulong)_kernel.PageSize / 1024;
        ulong? vsz = null;
        string? problem = null;
        if (_mm.TotalVm is null) problem = "mm_struct has no total_vm";
        else if (bytes.TryUnsigned(_mm.TotalVm, out var totalVm, out var why)) vsz = totalVm * kibPerPage;
        else problem = $"total_vm unreadable: {why}";

        ulong? rss = null;
        var parts = new Dictionary<int, ulong>();
        if (_mm.Kind == RssCounterKind.None) problem ??= "mm_struct rss_stat counters not recognised";
        else
        {
            foreach (int index in _mm.RssIndices)
            {
                var counter = ReadCounter(bytes, mm, index, out var why);
                if (counter is null)
                {
                    problem ??= why;
                    break;
                }
                parts[index] = (ulong)Math.Max(0, counter.Value) * kibPerPage;
            }
            if (parts.Count == _mm.RssIndices.Count) rss = parts.Values.Aggregate(0UL, (a, b) => a + b);
        }
        double? percent = rss is { } r && _totalRamPages is { } total and > 0 ? r / (double)kibPerPage * 100.0 / total : null;
        return new MemoryUsage(vsz, rss, percent, problem)
        {
            FileKiB = parts.TryGetValue(MmLayout.FilePages, out var file) ? file : null,
            AnonKiB = parts.TryGetValue(MmLayout.AnonPages, out var anon) ? anon : null,
            ShmemKiB = parts.TryGetValue(MmLayout.ShmemPages, out var shmem) ? shmem : _mm.Counters > MmLayout.ShmemPages ? null : 0,
        };
    }

    private long? ReadCounter(ObjectBytes bytes, ulong mm, int index, out string? why)
    {
        int at = _mm.CountersOffset + index * _mm.Stride;
        if (_mm.Kind == RssCounterKind.AtomicLong)
        {
            if (!bytes.TryU64(at, out var raw, out why)) return null;
            long value = (long)raw;
            // SPLIT_RSS_COUNTING: every task using this mm may hold deltas not yet folded into it.
            if (_tasks.TaskRssCount is { } deltas && index < _tasks.TaskRssCounters)
            {
                foreach (var task in _tasksByMm[mm])
                {
                    if (!task.Bytes.TryI32(deltas.Offset + index * 4, out var delta, out var taskWhy))
                    {
                        why = $"rss_stat of pid {task.Pid}: {taskWhy}";
                        return null;
                    }
                    value += delta;
                }
            }
            return value;
        }
        if (!bytes.TryU64(at + _mm.PercpuCountOffset, out var count, out why) || !bytes.TryU64(at + _mm.PercpuCountersOffset, out var percpu, out why))
            return null;
        long sum = (long)count;
        Span<byte> word = stackalloc byte[4];
        foreach (int cpu in _kernel.ForEachPossibleCpu())
        {
            var result = _kernel.Memory.ReadVirtual(_kernel.PerCpuPtr(percpu, cpu), word);
            if (result.Fault is { } fault)
            {
                why = $"rss_stat[{index}] on CPU {cpu}: {fault.Message}";
                return null;
            }
            sum += BinaryPrimitives.ReadInt32LittleEndian(word);
        }
        return sum;
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
