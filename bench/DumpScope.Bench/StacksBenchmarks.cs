using BenchmarkDotNet.Attributes;
using DumpScope.Host.Session;
using DumpScope.Plugins.Stacks;
using DumpScope.Sdk.Linux.Stack;
using DumpScope.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Bench;

/// <summary>
/// bt -a and foreach bt on kd3 (4 CPUs, 88 tasks) in-process: the commands on an open session (the shared
/// backtracer warm: module list, ORC tables and stack areas read, ORC look-ups cached), and every task unwound
/// by a fresh backtracer on the open kernel (modules, ORC probe, stack areas and every look-up read again
/// through the warm page cache).
/// </summary>
[MemoryDiagnoser]
public class StacksBenchmarks
{
    private DumpScopeSession _session = null!;
    private IKernel _kernel = null!;

    /// <summary>Opens kd3 and runs both commands once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _session = DumpScopeSession.Create(new SessionOptions
        {
            DumpPath = Fixtures.Require("kd3/vmcore.kdump-zlib-d31"),
            SearchDefaultPluginDirectory = false,
            InProcessPlugins = [typeof(StacksPlugin).Assembly],
        });
        _kernel = _session.Services.GetRequiredService<IKernel>();
        if (_session.Run("bt -a").Failed || _session.Run("foreach bt").Failed) throw new InvalidOperationException("bt failed on kd3");
    }

    /// <summary>Closes the session.</summary>
    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();

    /// <summary>bt -a on the open session.</summary>
    [Benchmark]
    public int BtAllCpus() => _session.Run("bt -a").Blocks.Count;

    /// <summary>foreach bt on the open session.</summary>
    [Benchmark]
    public int ForeachBt() => _session.Run("foreach bt").Blocks.Count;

    /// <summary>Every task unwound by a new backtracer (nothing of the unwinder cached).</summary>
    [Benchmark]
    public int FreshUnwindOfEveryTask()
    {
        var backtracer = new KernelBacktracer(_kernel);
        var running = new Dictionary<ulong, int>();
        foreach (int cpu in _kernel.OnlineCpus.Cpus) running.TryAdd(Runqueues.CpuCurr(_kernel, cpu).Address, cpu);
        int frames = 0;
        foreach (var task in KernelTasks.ForEachTask(_kernel).Items)
            frames += backtracer.Task(task.Address, running.TryGetValue(task.Address, out int c) ? c : null, new UnwindOptions()).Frames.Count;
        return frames;
    }
}
