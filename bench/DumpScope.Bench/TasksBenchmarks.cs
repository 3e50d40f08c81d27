using BenchmarkDotNet.Attributes;
using DumpScope.Plugins.Tasks;
using DumpScope.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Bench;

/// <summary>
/// ps on kd1 in-process: cold (open the dump: kallsyms, BTF, then the first ps), enumeration alone on an open
/// kernel (a fresh analyzer: every task, runqueue and pid read again through the warm page cache), and warm
/// (the session's cached task table: memory usage and the result only).
/// </summary>
[MemoryDiagnoser]
public class TasksBenchmarks() : SessionBenchmark(() => Fixtures.Kd1Zlib, typeof(TasksPlugin).Assembly, "ps")
{

    /// <summary>Open the dump and run ps.</summary>
    [Benchmark]
    public int ColdSessionPs()
    {
        using var session = Open();
        return session.Run("ps").Blocks.Count;
    }

    /// <summary>Enumerate every task again (new analyzer) on the open kernel, with memory usage.</summary>
    [Benchmark]
    public int Enumerate()
    {
        var services = new ServiceCollection().AddSingleton(Kernel).AddSingleton<TaskAnalyzer>().BuildServiceProvider();
        var analyzer = services.GetRequiredService<TaskAnalyzer>();
        var table = analyzer.Tasks();
        long rss = 0;
        foreach (var task in table.Tasks) rss += (long)(analyzer.MemoryOf(task).RssKiB ?? 0);
        return table.Tasks.Count + (int)(rss & 1);
    }

    /// <summary>ps on the session whose table is cached.</summary>
    [Benchmark]
    public int WarmPs() => Session.Run("ps").Blocks.Count;
}
