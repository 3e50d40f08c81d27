namespace DumpScope.Sdk.Linux.Timer;

/// <summary>A pending <c>struct timer_list</c> found in a timer wheel bucket.</summary>
/// <param name="Timer">The timer_list address.</param>
/// <param name="Expires">Its <c>expires</c> (jiffies), null when unreadable.</param>
/// <param name="Function">Its <c>function</c> pointer, null when unreadable.</param>
/// <param name="Bucket">The wheel bucket (index into <c>vectors</c>) it hangs on.</param>
/// <param name="Problem">What could not be read, or null.</param>
public sealed record WheelTimer(ulong Timer, ulong? Expires, ulong? Function, int Bucket, string? Problem);

/// <summary>One CPU's timer wheel base (<c>struct timer_base</c>) and its pending timers.</summary>
/// <param name="Cpu">The CPU.</param>
/// <param name="Index">The base's index in the per-cpu <c>timer_bases[]</c>.</param>
/// <param name="Name">The kernel's name for the index (BASE_STD, BASE_DEF; BASE_LOCAL, BASE_GLOBAL, BASE_DEF since 6.9).</param>
/// <param name="Address">The timer_base address.</param>
/// <param name="Timers">The pending timers, sorted by expiry as crash prints them.</param>
/// <param name="Problem">Why the base or some bucket could not be walked, or null.</param>
public sealed record TimerBase(int Cpu, int Index, string Name, ulong Address, IReadOnlyList<WheelTimer> Timers, string? Problem);

/// <summary>
/// The timer wheel (kernel/time/timer.c): per CPU, <c>timer_bases[NR_BASES]</c>, each with <c>vectors[WHEEL_SIZE]</c>
/// hlist buckets of <c>struct timer_list</c> linked through <c>entry</c>. The number of bases and buckets is taken from
/// the types (the per-cpu variable's array type in BTF, the <c>vectors</c> array), not from a version.
/// </summary>
public static class TimerWheel
{
    /// <summary>How many timers one bucket may hold before its walk is cut.</summary>
    public const int BucketBound = 100_000;

    /// <summary>The probed members of timer_base and timer_list, and the number and names of the per-cpu bases.</summary>
    private sealed record Layout(StructLayout Base, ProbedMember Vectors, int Buckets, ProbedMember Entry, ProbedMember Expires, ProbedMember Function,
        int Bases, string[] Names)
    {
        public static Layout Probe(IKernel kernel)
        {
            var timerBase = StructLayout.Probe(kernel, "struct timer_base");
            var vectors = timerBase.Require("vectors");
            var timer = StructLayout.Probe(kernel, "struct timer_list");
            // NR_BASES: the per-cpu array's length when the types describe the variable; else 2 (BASE_STD and
            // BASE_DEF, CONFIG_NO_HZ_COMMON, commit 500462a9de65 "timers: Switch to a non-cascading wheel", 4.8).
            int bases = kernel.Types.FindVariableType("timer_bases")?.Resolve() is { Kind: TypeKind.Array, ArrayLength: > 0 and < 16 } array
                ? (int)array.ArrayLength : 2;
            // Three bases: commit 83a665dc99a7 "timers: Keep the pinned timers separate from the others" (6.9).
            string[] names = bases == 3 ? ["BASE_LOCAL", "BASE_GLOBAL", "BASE_DEF"] : bases == 2 ? ["BASE_STD", "BASE_DEF"] : Enumerable.Range(0, bases).Select(i => $"BASE_{i}").ToArray();
            return new Layout(timerBase, vectors, (int)Math.Max(1, vectors.Type.Resolve().ArrayLength), timer.Require("entry"), timer.RequireScalar("expires"),
                timer.RequireScalar("function"), bases, names);
        }
    }

    /// <summary>The value of <c>jiffies</c> (jiffies_64 where jiffies is missing). Throws when neither is readable.</summary>
    public static ulong Jiffies(IKernel kernel)
    {
        if (kernel.Symbols.TryGetAddress("jiffies", out var j) || kernel.Symbols.TryGetAddress("jiffies_64", out j))
            return kernel.Memory.ReadU64(j, "jiffies");
        throw new TypeNotFoundException($"neither jiffies nor jiffies_64 is in {kernel.Symbols.Source}");
    }

    /// <summary>
    /// CPU <paramref name="cpu"/>'s timer bases with their pending timers (every non-empty bucket walked, bounded,
    /// cycle-aware). Throws <see cref="TypeNotFoundException"/> when the kernel has no timer_bases.
    /// </summary>
    public static IReadOnlyList<TimerBase> ForEachTimerBase(IKernel kernel, int cpu, CancellationToken cancellation = default)
    {
        var layout = KernelProbes.Get(kernel, Layout.Probe);
        if (!kernel.Symbols.TryGetAddress("timer_bases", out var symbol))
            throw new TypeNotFoundException($"the per-cpu variable timer_bases is not in {kernel.Symbols.Source}");
        var bases = new List<TimerBase>();
        for (int index = 0; index < layout.Bases; index++)
        {
            ulong address = kernel.PerCpuPtr(symbol, cpu) + (ulong)index * layout.Base.Size;
            bases.Add(ReadBase(kernel, layout, cpu, index, address, cancellation));
        }
        return bases;
    }

    private static TimerBase ReadBase(IKernel kernel, Layout layout, int cpu, int index, ulong address, CancellationToken cancellation)
    {
        string name = layout.Names[index];
        var heads = new byte[layout.Buckets * 8];
        var read = kernel.Memory.ReadVirtual(address + layout.Vectors.Offset, heads);
        if (!read.IsComplete)
            return new(cpu, index, name, address, [], $"vectors unreadable: {read.Fault!.Message}");
        var timers = new List<WheelTimer>();
        string? problem = null;
        var seen = new HashSet<ulong>();
        for (int bucket = 0; bucket < layout.Buckets; bucket++)
        {
            cancellation.ThrowIfCancellationRequested();
            ulong first = BinaryPrimitives.ReadUInt64LittleEndian(heads.AsSpan(bucket * 8));
            if (first == 0) continue;
            var chain = KernelLists.NullTerminated(kernel.Memory, first, 0, BucketBound, null, cancellation);
            if (chain.Problem is not null) problem ??= $"bucket {bucket}: {chain.Problem}";
            foreach (ulong node in chain.Items)
            {
                ulong timer = node - layout.Entry.Offset;
                if (!seen.Add(timer))
                {
                    problem ??= $"timer_list {timer:x} is on two buckets";
                    continue;
                }
                var obj = kernel.Object("struct timer_list", timer);
                string? why = null;
                ulong? expires = obj.TryUnsigned(layout.Expires, out var e, out why) ? e : null;
                ulong? function = obj.TryUnsigned(layout.Function, out var f, out var whyF) ? f : null;
                timers.Add(new WheelTimer(timer, expires, function, bucket, why ?? whyF));
            }
        }
        timers.Sort((a, b) => (a.Expires ?? ulong.MaxValue).CompareTo(b.Expires ?? ulong.MaxValue));
        return new(cpu, index, name, address, timers, problem);
    }
}
