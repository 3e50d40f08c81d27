using BenchmarkDotNet.Attributes;
using DumpScope.Plugins.Stacks;
using DumpScope.Sdk.Linux.Stack;
using DumpScope.Testing;

namespace DumpScope.Bench;

/// <summary>
/// bt -a and foreach bt on kd3 (4 CPUs, 88 tasks) in-process: the commands on an open session (the shared
/// backtracer warm: module list, ORC tables and stack areas read, ORC look-ups cached), and every task unwound
/// by a fresh backtracer on the open kernel (modules, ORC probe, stack areas and every look-up read again
/// through the warm page cache).
/// </summary>
[MemoryDiagnoser]
public class StacksBenchmarks() : SessionBenchmark(() => Fixtures.Require("kd3/vmcore.kdump-zlib-d31"), typeof(StacksPlugin).Assembly, "bt -a", "foreach bt")
{

    /// <summary>bt -a on the open session.</summary>
    [Benchmark]
    public int BtAllCpus() => Session.Run("bt -a").Blocks.Count;

    /// <summary>foreach bt on the open session.</summary>
    [Benchmark]
    public int ForeachBt() => Session.Run("foreach bt").Blocks.Count;

    /// <summary>Every task unwound by a new backtracer (nothing of the unwinder cached).</summary>
    [Benchmark]
    public int FreshUnwindOfEveryTask()
    {
        var kernel = Kernel;
        var backtracer = new KernelBacktracer(kernel);
        var running = new Dictionary<ulong, int>();
        foreach (int cpu in kernel.OnlineCpus.Cpus) running.TryAdd(Runqueues.CpuCurr(kernel, cpu).Address, cpu);
        int frames = 0;
        foreach (var task in KernelTasks.ForEachTask(kernel).Items)
            frames += backtracer.Task(task.Address, running.TryGetValue(task.Address, out int c) ? c : null, new UnwindOptions()).Frames.Count;
        return frames;
    }
}
