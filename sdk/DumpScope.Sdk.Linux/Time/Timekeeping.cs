namespace DumpScope.Sdk.Linux.Time;

/// <summary>The kernel's clocks (kernel/time/timekeeping.c): the timekeeper in <c>tk_core</c>, jiffies.</summary>
public static class Timekeeping
{
    /// <summary>
    /// The core timekeeper: inside <c>tk_core</c> (a struct { seqcount_raw_spinlock_t seq; struct timekeeper
    /// timekeeper; }, named struct tk_data since 6.13), or element 0 (TIMEKEEPER_CORE) of <c>timekeeper_data[]</c>,
    /// the array of struct tk_data that replaced tk_core when auxiliary clocks came ("timekeeping: Introduce
    /// auxiliary timekeepers", 6.17). Null when the kernel has neither.
    /// </summary>
    public static KernelObject? Timekeeper(IKernel kernel)
    {
        if (kernel.Types.FindType("struct timekeeper") is not { } timekeeper) return null;
        if (!kernel.Symbols.TryGetAddress("tk_core", out var tkCore) && !kernel.Symbols.TryGetAddress("timekeeper_data", out tkCore)) return null;
        // With struct tk_data the member's offset says where the timekeeper is; before it, the timekeeper follows
        // the seqcount at the next 8-byte boundary (its first member is a pointer).
        if (kernel.Types.FindType("struct tk_data") is { } tkData && tkData.Resolve().HasMember("timekeeper"))
            return new KernelObject(kernel, timekeeper, tkCore + tkData.Resolve().FindMember("timekeeper").Offset);
        ulong seq = kernel.Types.TryParse("seqcount_raw_spinlock_t")?.Size ?? kernel.Types.TryParse("seqcount_t")?.Size ?? 4;
        return new KernelObject(kernel, timekeeper, tkCore + ((seq + 7) & ~7UL));
    }

    /// <summary>The HZ values Linux can be built with (kernel/Kconfig.hz and the architectures' own).</summary>
    private static readonly long[] HzCandidates = [100, 250, 300, 1000, 24, 32, 48, 64, 128, 200, 256, 512, 1024, 1200];

    /// <summary>
    /// CONFIG_HZ: from <c>tick_nsec</c> (NSEC_PER_SEC / HZ rounded, kernel/time/ntp.c) where the kernel still has that
    /// global; kernels without it (it went into ntp.c's per-timekeeper struct ntp_data in 6.13's NTP rework) give it
    /// back through jiffies: the HZ for which (jiffies_64 - INITIAL_JIFFIES) / HZ is closest to the timekeeper's
    /// uptime (INITIAL_JIFFIES = (u32)(-300 * HZ)). Null with the reason when neither works.
    /// </summary>
    public static long? Hz(IKernel kernel, out string source, out string? problem)
    {
        problem = null;
        if (KernelGlobals.TryReadInteger(kernel, "tick_nsec", "unsigned long", out var tickNs, out var why) && tickNs > 0)
        {
            source = "tick_nsec";
            return (1_000_000_000 + tickNs / 2) / tickNs;
        }
        source = "jiffies_64 against the timekeeper's uptime (no tick_nsec)";
        if (!KernelGlobals.TryReadInteger(kernel, "jiffies_64", "u64", out var jiffies, out var jp)) { problem = jp; return null; }
        if (MonotonicFromTimekeeper(kernel, out var tkProblem) is not { } uptimeNs) { problem = $"{why}; timekeeper: {tkProblem}"; return null; }
        double uptime = uptimeNs / 1e9;
        long best = 0;
        double bestError = double.MaxValue;
        foreach (long hz in HzCandidates)
        {
            ulong initial = unchecked((uint)(-300 * (int)hz));
            double seconds = (double)unchecked((ulong)jiffies - initial) / hz;
            double error = Math.Abs(seconds - uptime);
            if (error < bestError) (best, bestError) = (hz, error);
        }
        // The timekeeper lags jiffies by at most a few ticks (NO_HZ idle: longer); a whole second off is no match.
        if (bestError > 1 + uptime * 0.02) { problem = $"no HZ fits jiffies_64 {jiffies} and an uptime of {uptime:0.###} s"; return null; }
        return best;
    }

    private static long? MonotonicFromTimekeeper(IKernel kernel, out string? problem)
    {
        problem = "no tk_core or timekeeper_data";
        if (Timekeeper(kernel) is not { } tk) return null;
        try
        {
            int shift = (int)tk["tkr_mono.shift"].ReadUnsigned();
            long mono = tk["tkr_mono.base"].ReadSigned() + (long)(tk["tkr_mono.xtime_nsec"].ReadUnsigned() >> Math.Min(shift, 63));
            problem = null;
            return mono;
        }
        catch (MemoryFaultException e)
        {
            problem = e.Fault.Message;
            return null;
        }
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
