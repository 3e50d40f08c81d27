using BenchmarkDotNet.Attributes;
using DumpScope.Plugins.Slab;
using DumpScope.Testing;

namespace DumpScope.Bench;

/// <summary>
/// The slab plugin on kd1 (kdump zlib, BTF and kallsyms from the dump): open + kmem -s (a new session each
/// time: dump, page tables, kallsyms, BTF, layout probing, every cache), kmem -s on an open session, and
/// kmem -S of dentry (the cache with the most objects) for objects per second.
/// </summary>
[MemoryDiagnoser]
public class SlabBenchmarks() : SessionBenchmark(() => Fixtures.Kd1Zlib, typeof(SlabPlugin).Assembly, "kmem -s")
{

    /// <summary>Open the dump and run kmem -s.</summary>
    [Benchmark]
    public int OpenAndKmemS()
    {
        using var session = Open();
        return Rows(session.Run("kmem -s"));
    }

    /// <summary>kmem -s on an open session.</summary>
    [Benchmark]
    public int KmemS() => Rows(Session.Run("kmem -s"));

    /// <summary>kmem -S dentry (13,965 objects).</summary>
    [Benchmark]
    public int KmemSObjectsDentry() => Rows(Session.Run("kmem -S dentry"));

    private static int Rows(CommandResult result) =>
        result.Failed ? throw new InvalidOperationException(result.Error) : result.Blocks.OfType<TableBlock>().Sum(t => t.Rows.Count);
}
