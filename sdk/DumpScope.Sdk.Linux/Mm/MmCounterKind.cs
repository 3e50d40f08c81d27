namespace DumpScope.Sdk.Linux.Mm;

/// <summary>How an mm_struct stores its page counters (see <see cref="MmCounters"/>).</summary>
public enum MmCounterKind
{
    /// <summary>No counters recognised.</summary>
    None,
    /// <summary>atomic_long_t count[] (before 6.2), with per-task SPLIT_RSS_COUNTING deltas.</summary>
    AtomicLong,
    /// <summary>struct percpu_counter[] (6.2+).</summary>
    PercpuCounter,
}
