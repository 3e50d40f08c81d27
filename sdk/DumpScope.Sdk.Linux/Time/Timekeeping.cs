namespace DumpScope.Sdk.Linux.Time;

/// <summary>The kernel's clocks (kernel/time/timekeeping.c): the timekeeper in <c>tk_core</c>, jiffies.</summary>
public static class Timekeeping
{
    /// <summary>The timekeeper inside <c>tk_core</c> (an anonymous struct { seqcount_raw_spinlock_t seq; struct timekeeper timekeeper; }), or null.</summary>
    public static KernelObject? Timekeeper(IKernel kernel)
    {
        if (!kernel.Symbols.TryGetAddress("tk_core", out var tkCore) || kernel.Types.FindType("struct timekeeper") is not { } timekeeper) return null;
        // timekeeper follows the seqcount at the next 8-byte boundary (its first member is a pointer).
        ulong seq = kernel.Types.TryParse("seqcount_raw_spinlock_t")?.Size ?? kernel.Types.TryParse("seqcount_t")?.Size ?? 4;
        return new KernelObject(kernel, timekeeper, tkCore + ((seq + 7) & ~7UL));
    }

    /// <summary>
    /// Time since boot: the timekeeper's monotonic time at its last update (every tick) plus offs_boot (time
    /// spent suspended), as ktime_get_boottime. Fallback: (jiffies_64 - INITIAL_JIFFIES) / HZ, with HZ from
    /// tick_nsec (NSEC_PER_SEC / HZ, rounded). Null with the reason when neither is readable; <paramref name="source"/>
    /// says which was used.
    /// </summary>
    public static TimeSpan? KtimeGetBoottime(IKernel kernel, out string source, out string? problem)
    {
        problem = null;
        if (Timekeeper(kernel) is { } tk)
        {
            try
            {
                // tkr_mono.base holds whole seconds (xtime_sec + wall_to_monotonic); the nanoseconds within the
                // second are tkr_mono.xtime_nsec, shifted left by tkr_mono.shift (as timekeeping_get_ns adds them).
                int shift = (int)tk["tkr_mono.shift"].ReadUnsigned();
                long mono = tk["tkr_mono.base"].ReadSigned() + (long)(tk["tkr_mono.xtime_nsec"].ReadUnsigned() >> Math.Min(shift, 63));
                long boot = tk.HasMember("offs_boot") ? tk["offs_boot"].ReadSigned() : 0;
                source = "tk_core.timekeeper: tkr_mono.base + (tkr_mono.xtime_nsec >> shift) + offs_boot";
                if (mono + boot >= 0) return TimeSpan.FromTicks((mono + boot) / 100);
                problem = $"timekeeper monotonic time {mono + boot} ns is negative";
            }
            catch (MemoryFaultException e)
            {
                problem = e.Fault.Message;
            }
        }
        if (KernelGlobals.TryReadInteger(kernel, "jiffies_64", "u64", out var jiffies, out var jp)
            && KernelGlobals.TryReadInteger(kernel, "tick_nsec", "unsigned long", out var tickNs, out jp) && tickNs > 0)
        {
            long hz = (1_000_000_000 + tickNs / 2) / tickNs;
            // INITIAL_JIFFIES = (unsigned long)(unsigned int)(-300 * HZ): jiffies wrap five minutes after boot.
            ulong initial = unchecked((uint)(-300 * (int)hz));
            ulong ticks = unchecked((ulong)jiffies - initial);
            source = $"(jiffies_64 - INITIAL_JIFFIES) / HZ, HZ={hz} from tick_nsec";
            problem = null;
            return TimeSpan.FromSeconds((double)ticks / hz);
        }
        source = "timekeeper / jiffies_64";
        problem ??= jp;
        return null;
    }
}
