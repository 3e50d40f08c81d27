namespace DumpScope.Sdk.Kernel;

/// <summary>
/// The names of the features every helper reports under, in the order dumpinfo shows them. Use these so that
/// two probes of the same thing replace each other instead of appearing twice.
/// </summary>
public static class KernelFeatureNames
{
    /// <summary>Where the symbols came from: kallsyms named by VMCOREINFO, found by search, a System.map, a vmlinux.</summary>
    public const string Kallsyms = "kallsyms";
    /// <summary>Where the types came from: BTF in dump memory, a BTF file, DWARF.</summary>
    public const string Types = "types";
    /// <summary>Page-table levels (4 or 5) and the memory-encryption mask in entries.</summary>
    public const string PageTables = "page tables";
    /// <summary>KASLR offset and how it was learned.</summary>
    public const string Kaslr = "kaslr";
    /// <summary>ORC unwind tables in the image.</summary>
    public const string Orc = "orc unwinder";
    /// <summary>Slab allocator (SLUB/SLAB) and its era (struct page fields, struct slab, sheaves).</summary>
    public const string Allocator = "allocator";
    /// <summary>Free-pointer encoding (plain, CONFIG_SLAB_FREELIST_HARDENED with or without swab).</summary>
    public const string FreelistEncoding = "freelist encoding";
    /// <summary>Task state field (task_struct.state or __state).</summary>
    public const string TaskState = "task state";
    /// <summary>PID lookup (pid hash, idr, xarray).</summary>
    public const string PidLookup = "pid lookup";
    /// <summary>VMA layout (rb-tree and mmap list, maple tree).</summary>
    public const string Vmas = "vmas";
    /// <summary>Printk format (log_buf records, the lockless ring buffer and its layout).</summary>
    public const string Printk = "printk";
    /// <summary>The machine (x86_64, aarch64) and what named it (ELF e_machine, the kdump header, VMCOREINFO).</summary>
    public const string Architecture = "architecture";
    /// <summary>The per-cpu current task (pcpu_hot or current_task).</summary>
    public const string CurrentTask = "current task";

    /// <summary>Where a slab's fields live (struct page, struct slab) and how a slab page is marked (PG_slab, page type).</summary>
    public const string SlabDescriptor = "slab descriptor";
    /// <summary>mm->rss_stat: atomic counters (with per-task deltas) or percpu counters.</summary>
    public const string RssStat = "rss_stat";
    /// <summary>Where the timekeeper lives (tk_core, timekeeper_data[]) and where HZ comes from.</summary>
    public const string Timekeeping = "timekeeping";

    /// <summary>The display order; features with other names follow, by name.</summary>
    public static IReadOnlyList<string> Order { get; } =
        [Kallsyms, Types, Kaslr, PageTables, Orc, Allocator, SlabDescriptor, FreelistEncoding, TaskState, PidLookup, CurrentTask, Vmas,
         RssStat, Printk, Timekeeping];
}
