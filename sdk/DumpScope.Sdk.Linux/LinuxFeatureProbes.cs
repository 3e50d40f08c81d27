using DumpScope.Sdk.Linux.Mm;
using DumpScope.Sdk.Linux.Slab;
using DumpScope.Sdk.Linux.Slab.Slub;

namespace DumpScope.Sdk.Linux;

/// <summary>
/// The "kernel features" rows that no single walk records on its own: each method probes one feature from the
/// kernel's types and symbols (never its version) and records what it found and how, for dumpinfo and sys -v.
/// Plugins register them as <see cref="KernelFeatureProbe"/>s.
/// </summary>
public static class LinuxFeatureProbes
{
    private const string By = "Sdk.Linux";

    /// <summary>Every probe of this class, as feature probes (one per row).</summary>
    public static IReadOnlyList<KernelFeatureProbe> All { get; } =
    [
        new(KernelFeatureNames.SlabDescriptor, By, SlabDescriptor),
        new(KernelFeatureNames.FreelistEncoding, By, FreelistEncoding),
        new(KernelFeatureNames.PidLookup, By, PidLookup),
        new(KernelFeatureNames.CurrentTask, By, CurrentTask),
        new(KernelFeatureNames.Vmas, By, Vmas),
        new(KernelFeatureNames.RssStat, By, RssStat),
        new(KernelFeatureNames.Printk, By, Printk),
        new(KernelFeatureNames.Timekeeping, By, Timekeeping),
    ];

    /// <summary>The probes of <paramref name="features"/> (names of <see cref="KernelFeatureNames"/>), for a plugin to register.</summary>
    public static IEnumerable<KernelFeatureProbe> Of(params string[] features) => All.Where(p => features.Contains(p.Feature));

    /// <summary>struct slab (5.17, commit d122019bf061) or struct page; PG_slab or the slab page type (6.10+).</summary>
    public static void SlabDescriptor(IKernel kernel)
    {
        var page = StructPageLayout.Of(kernel);
        string marked = page.Flags.Slab is { } bit ? $"PG_slab (bit {bit})" : page.Types.HasSlabType ? $"page type slab ({page.Types.Source})" : "neither PG_slab nor a slab page type";
        string tail = page.CompoundHeadOffset is null ? "PG_tail + first_page" : "compound_head/compound_info bit 0 (pointer or mask form, read per page)";
        kernel.Features.Record(KernelFeatureNames.SlabDescriptor, $"{page.SlabCacheSource}; slab pages marked by {marked}",
            $"slab_cache found as {page.SlabCacheSource}; tail pages by {tail}", By);
    }

    /// <summary>SLUB's free-pointer encoding, decided from a freelist in the dump.</summary>
    public static void FreelistEncoding(IKernel kernel)
    {
        if (SlabHelpers.SlabAllocatorOf(kernel) is not SlubAllocator slub)
        {
            kernel.Features.Record(KernelFeatureNames.FreelistEncoding, "n/a", "not SLUB: SLAB keeps free objects in index arrays", By);
            return;
        }
        // dumpinfo must stay light (headers, bitmaps, a few pages): the encoding the first freelist walk decided,
        // or, on kernels without CONFIG_SLAB_FREELIST_HARDENED, plain; SlubAllocator.DetectEncoding decides on demand.
        var encoding = slub.Encoding ?? (slub.Layout.KmemCache.Resolve().HasMember("random") ? null : slub.DetectEncoding(out _));
        string how = encoding is null
            ? "s->random exists (CONFIG_SLAB_FREELIST_HARDENED): xor or xor-swab is decided by the first freelist walk (kmem -s, kmem -S, kmem ADDR)"
            : slub.Encoding is null ? "struct kmem_cache has no random" : "decoded while walking a freelist: next pointers land on objects of the same slab";
        kernel.Features.Record(KernelFeatureNames.FreelistEncoding, encoding switch
        {
            Slab.Slub.FreelistEncoding.Plain => "plain pointers",
            Slab.Slub.FreelistEncoding.Xor => "hardened: ptr ^ random ^ address",
            Slab.Slub.FreelistEncoding.XorSwab => "hardened: ptr ^ random ^ swab(address)",
            _ => "hardened, encoding undecided",
        }, how, By);
    }

    /// <summary>pid_namespace.idr (4.15, commit 95846ecf9dac) as a radix tree or an xarray (4.20), or the global pid_hash.</summary>
    public static void PidLookup(IKernel kernel)
    {
        var ns = kernel.Types.Require("struct pid_namespace").Resolve();
        if (ns.TryFindMember("idr", out _))
        {
            string tree = ns.TryFindMember("idr.idr_rt", out var rt) && rt.Type.Resolve().Name == "xarray" ? "xarray" : "radix tree";
            kernel.Features.Record(KernelFeatureNames.PidLookup, $"pid_namespace.idr ({tree})", $"struct pid_namespace has idr; idr.idr_rt is a {tree}", By);
        }
        else if (kernel.HasSymbol("pid_hash"))
            kernel.Features.Record(KernelFeatureNames.PidLookup, "pid_hash", "struct pid_namespace has no idr; the symbol pid_hash exists", By);
        else
            throw new TypeNotFoundException("struct pid_namespace has no idr and the kernel has no pid_hash");
    }

    /// <summary>
    /// Where the kernel keeps each CPU's current task: pcpu_hot.current_task (6.2's struct pcpu_hot) or the per-cpu
    /// current_task. DumpScope itself takes the running task from runqueues[cpu].curr, which every kernel has.
    /// </summary>
    public static void CurrentTask(IKernel kernel)
    {
        string where = kernel.HasSymbol("pcpu_hot") && kernel.Types.FindType("struct pcpu_hot")?.Resolve().HasMember("current_task") == true
            ? "pcpu_hot.current_task" : kernel.HasSymbol("current_task") ? "per-cpu current_task" : "neither pcpu_hot nor current_task";
        kernel.Features.Record(KernelFeatureNames.CurrentTask, where,
            $"symbols and struct pcpu_hot probed; running tasks are read from runqueues[cpu].curr{(kernel.HasSymbol("runqueues") ? "" : " (no runqueues symbol!)")}", By);
    }

    /// <summary>VMAs in the maple tree mm_mt (6.1) or the mmap list and mm_rb rb-tree.</summary>
    public static void Vmas(IKernel kernel)
    {
        var mm = StructLayout.Probe(kernel, "struct mm_struct");
        if (mm.Has("mm_mt")) kernel.Features.Record(KernelFeatureNames.Vmas, "maple tree (mm_mt)", "struct mm_struct has mm_mt", By);
        else if (mm.Has("mmap")) kernel.Features.Record(KernelFeatureNames.Vmas, "mmap list + mm_rb rb-tree", "struct mm_struct has mmap (no mm_mt)", By);
        else throw new TypeNotFoundException("struct mm_struct has neither mm_mt nor mmap");
    }

    /// <summary>mm->rss_stat as atomics (with per-task deltas under SPLIT_RSS_COUNTING) or percpu counters (6.2).</summary>
    public static void RssStat(IKernel kernel)
    {
        var counters = MmCounters.Of(kernel);
        kernel.Features.Record(KernelFeatureNames.RssStat, counters.Kind switch
        {
            MmCounterKind.PercpuCounter => "percpu_counter rss_stat[]",
            MmCounterKind.AtomicLong => counters.TaskDeltas is null ? "atomic_long_t rss_stat.count[]" : "atomic_long_t rss_stat.count[] + task_struct.rss_stat deltas",
            _ => "unknown",
        }, "the shape of mm_struct.rss_stat (and task_struct.rss_stat) in the types", By);
    }

    /// <summary>The lockless ring buffer prb (5.10) in its layouts, or log_buf records (3.5–5.9).</summary>
    public static void Printk(IKernel kernel)
    {
        if (kernel.HasSymbol("prb") || kernel.VmcoreInfo?.TryGetSymbol("prb", out _) == true)
        {
            var rb = kernel.Types.FindType("struct printk_ringbuffer")?.Resolve();
            string layout = rb is null ? "layout from VMCOREINFO" : rb.HasMember("dict_data_ring")
                ? "5.10 layout: text and dict data rings (dict removed by commit f35efc78add6, 5.11)" : "text data ring only (5.11+)";
            kernel.Features.Record(KernelFeatureNames.Printk, "lockless ring buffer (prb)", $"symbol prb; {layout}", By);
        }
        else if (kernel.HasSymbol("log_buf") && kernel.HasSymbol("log_first_idx"))
            kernel.Features.Record(KernelFeatureNames.Printk, "log_buf records (struct printk_log)", "symbols log_buf and log_first_idx, no prb", By);
        else throw new TypeNotFoundException("neither prb nor log_buf with log_first_idx");
    }

    /// <summary>tk_core or timekeeper_data[] (6.17), and where HZ comes from.</summary>
    public static void Timekeeping(IKernel kernel)
    {
        string where = kernel.HasSymbol("tk_core") ? "tk_core" : kernel.HasSymbol("timekeeper_data") ? "timekeeper_data[0] (TIMEKEEPER_CORE)" : "no timekeeper";
        var hz = Time.Timekeeping.Hz(kernel, out var source, out var problem);
        kernel.Features.Record(KernelFeatureNames.Timekeeping, $"{where}; HZ {(hz is { } h ? h.ToString(CultureInfo.InvariantCulture) : "unknown")}",
            $"HZ from {source}{(problem is null ? "" : $" ({problem})")}", By);
    }
}
