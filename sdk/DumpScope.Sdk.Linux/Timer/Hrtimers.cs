using DumpScope.Sdk.Linux.RbTree;

namespace DumpScope.Sdk.Linux.Timer;

/// <summary>A queued <c>struct hrtimer</c>.</summary>
/// <param name="Timer">The hrtimer address.</param>
/// <param name="SoftExpires">Its <c>_softexpires</c> (ns), null when unreadable.</param>
/// <param name="Expires">Its <c>node.expires</c> (ns), null when unreadable.</param>
/// <param name="Function">Its <c>function</c> pointer, null when unreadable.</param>
/// <param name="Problem">What could not be read, or null.</param>
public sealed record QueuedHrtimer(ulong Timer, long? SoftExpires, long? Expires, ulong? Function, string? Problem);

/// <summary>One clock base of a CPU's hrtimer_cpu_base and the timers on its timerqueue.</summary>
/// <param name="Cpu">The CPU.</param>
/// <param name="Index">The clock base index (HRTIMER_BASE_MONOTONIC = 0, …).</param>
/// <param name="Address">The hrtimer_clock_base address.</param>
/// <param name="GetTime">Its <c>get_time</c> function pointer (ktime_get, ktime_get_real, …), 0 when unreadable.</param>
/// <param name="Offset">Its <c>offset</c> from CLOCK_MONOTONIC (ns), 0 when unreadable.</param>
/// <param name="Timers">The queued timers in expiry order.</param>
/// <param name="Problem">Why the queue could not be walked completely, or null.</param>
public sealed record HrtimerClockBase(int Cpu, int Index, ulong Address, ulong GetTime, long Offset, IReadOnlyList<QueuedHrtimer> Timers, string? Problem);

/// <summary>
/// High-resolution timers (kernel/time/hrtimer.c): the per-cpu <c>hrtimer_bases</c> (<c>struct hrtimer_cpu_base</c>)
/// holds <c>clock_base[HRTIMER_MAX_CLOCK_BASES]</c>, each a timerqueue (an rb-tree of <c>struct timerqueue_node</c>,
/// the first member of <c>struct hrtimer</c>) ordered by expiry.
/// </summary>
public static class Hrtimers
{
    /// <summary>How many timers one clock base may hold before its walk is cut.</summary>
    public const int QueueBound = 100_000;

    /// <summary>The probed members of hrtimer_cpu_base, hrtimer_clock_base and hrtimer.</summary>
    private sealed record Layout(ProbedMember ClockBases, int Count, ulong ClockSize, ProbedMember Active, ProbedMember? GetTime, ProbedMember? Offset,
        ProbedMember Node, ProbedMember Expires, ProbedMember? SoftExpires, ProbedMember Function)
    {
        public static Layout Probe(IKernel kernel)
        {
            var bases = StructLayout.Probe(kernel, "struct hrtimer_cpu_base").Require("clock_base");
            var clock = StructLayout.Probe(kernel, "struct hrtimer_clock_base");
            var timer = StructLayout.Probe(kernel, "struct hrtimer");
            // timerqueue_head is an rb_root_cached since commit 511885d7061e "lib/timerqueue: Rely on rbtree
            // semantics for next timer" (5.0); before it, a plain rb_root named head.
            return new Layout(bases, (int)Math.Max(1, bases.Type.Resolve().ArrayLength), clock.Size, clock.Require("active.rb_root.rb_root", "active.head"),
                clock.FindScalar("get_time"), clock.FindScalar("offset"), timer.Require("node.node"), timer.RequireScalar("node.expires"),
                timer.FindScalar("_softexpires"), timer.RequireScalar("function"));
        }
    }

    /// <summary>The address of CPU <paramref name="cpu"/>'s <c>hrtimer_bases</c>. Throws <see cref="TypeNotFoundException"/> without it.</summary>
    public static ulong CpuBase(IKernel kernel, int cpu)
    {
        if (!kernel.Symbols.TryGetAddress("hrtimer_bases", out var symbol))
            throw new TypeNotFoundException($"the per-cpu variable hrtimer_bases is not in {kernel.Symbols.Source}");
        return kernel.PerCpuPtr(symbol, cpu);
    }

    /// <summary>CPU <paramref name="cpu"/>'s clock bases, each with its queued timers in expiry order.</summary>
    public static IReadOnlyList<HrtimerClockBase> ForEachClockBase(IKernel kernel, int cpu, CancellationToken cancellation = default)
    {
        var layout = KernelProbes.Get(kernel, Layout.Probe);
        ulong cpuBase = CpuBase(kernel, cpu);
        var result = new List<HrtimerClockBase>();
        for (int i = 0; i < layout.Count; i++)
        {
            ulong address = cpuBase + layout.ClockBases.Offset + (ulong)i * layout.ClockSize;
            var clock = kernel.Object("struct hrtimer_clock_base", address);
            ulong getTime = layout.GetTime is not null && clock.TryUnsigned(layout.GetTime, out var g, out _) ? g : 0;
            long offset = layout.Offset is not null && clock.TryInteger(layout.Offset, out var o, out _) ? o : 0;
            var nodes = RbTrees.RbForEach(kernel, address + layout.Active.Offset, QueueBound, cancellation);
            var timers = new List<QueuedHrtimer>();
            foreach (ulong node in nodes.Items)
            {
                ulong timer = node - layout.Node.Offset;
                var obj = kernel.Object("struct hrtimer", timer);
                string? why = null;
                long? expires = obj.TryInteger(layout.Expires, out var e, out why) ? e : null;
                long? soft = layout.SoftExpires is not null && obj.TryInteger(layout.SoftExpires, out var s, out var whyS) ? s : null;
                ulong? function = obj.TryUnsigned(layout.Function, out var f, out var whyF) ? f : null;
                timers.Add(new QueuedHrtimer(timer, soft, expires, function, why ?? whyF));
            }
            result.Add(new HrtimerClockBase(cpu, i, address, getTime, offset, timers, nodes.Problem));
        }
        return result;
    }

    /// <summary>
    /// CLOCK_MONOTONIC at the last jiffy, in ns: <c>(jiffies_64 - INITIAL_JIFFIES) * tick_nsec</c>, what
    /// jiffies_to_nsecs gives for the uptime in jiffies (INITIAL_JIFFIES = (u32)(-300 * HZ), include/linux/jiffies.h;
    /// HZ from tick_nsec). This is what crash prints as CURRENT; the timekeeper's own tkr_mono.base lags it further on
    /// an idle (NO_HZ) system. Null when jiffies or tick_nsec cannot be read.
    /// </summary>
    public static long? MonotonicNow(IKernel kernel)
    {
        long tick;
        long hz;
        if (KernelGlobals.TryReadInteger(kernel, "tick_nsec", "unsigned long", out tick, out _) && tick > 0)
            hz = (long)Math.Round(1e9 / tick);
        else if (Time.Timekeeping.Hz(kernel, out _, out _) is { } inferred)
            // no tick_nsec (6.13's ntp_data rework): TICK_NSEC = (NSEC_PER_SEC + HZ/2) / HZ
            (hz, tick) = (inferred, (1_000_000_000 + inferred / 2) / inferred);
        else return null;
        ulong jiffies;
        try { jiffies = TimerWheel.Jiffies(kernel); }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e)) { return null; }
        ulong initial = (ulong)(uint)(-300 * hz);
        return (long)(jiffies - initial) * tick;
    }
}
