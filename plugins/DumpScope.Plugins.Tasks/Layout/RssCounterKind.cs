namespace DumpScope.Plugins.Tasks.Layout;

/// <summary>How an mm_struct stores its RSS counters.</summary>
public enum RssCounterKind
{
    /// <summary>No counters found.</summary>
    None,
    /// <summary><c>struct mm_rss_stat rss_stat</c> with <c>atomic_long_t count[NR_MM_COUNTERS]</c> (before 6.2).</summary>
    AtomicLong,
    /// <summary><c>struct percpu_counter rss_stat[NR_MM_COUNTERS]</c> (6.2, commit f1a7941243c1 "mm: convert mm's rss stats into percpu_counter").</summary>
    PercpuCounter,
}
