using BenchmarkDotNet.Attributes;
using DumpScope.Host.Session;
using DumpScope.Plugins.Slab;
using DumpScope.Testing;

namespace DumpScope.Bench;

/// <summary>
/// The slab plugin on kd1 (kdump zlib, BTF and kallsyms from the dump): open + kmem -s (a new session each
/// time: dump, page tables, kallsyms, BTF, layout probing, every cache), kmem -s on an open session, and
/// kmem -S of dentry (the cache with the most objects) for objects per second.
/// </summary>
[MemoryDiagnoser]
public class SlabBenchmarks
{
    private DumpScopeSession _session = null!;

    private static DumpScopeSession Open() => DumpScopeSession.Create(new SessionOptions
    {
        DumpPath = Fixtures.Kd1Zlib,
        SearchDefaultPluginDirectory = false,
        InProcessPlugins = [typeof(SlabPlugin).Assembly],
    });

    /// <summary>Opens kd1 once for the warm benchmarks.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _session = Open();
        if (_session.Run("kmem -s").Failed) throw new InvalidOperationException("kmem -s failed on kd1");
    }

    /// <summary>Closes the session.</summary>
    [GlobalCleanup]
    public void Cleanup() => _session.Dispose();

    /// <summary>Open the dump and run kmem -s.</summary>
    [Benchmark]
    public int OpenAndKmemS()
    {
        using var session = Open();
        return Rows(session.Run("kmem -s"));
    }

    /// <summary>kmem -s on an open session.</summary>
    [Benchmark]
    public int KmemS() => Rows(_session.Run("kmem -s"));

    /// <summary>kmem -S dentry (13,965 objects).</summary>
    [Benchmark]
    public int KmemSObjectsDentry() => Rows(_session.Run("kmem -S dentry"));

    private static int Rows(CommandResult result) =>
        result.Failed ? throw new InvalidOperationException(result.Error) : result.Blocks.OfType<TableBlock>().Sum(t => t.Rows.Count);
}
