using BenchmarkDotNet.Attributes;
using DumpScope.Host.Types.Btf;
using DumpScope.Testing;

namespace DumpScope.Bench;

/// <summary>
/// BTF of the fixture kernel (4 MB, 95k types): parse and index, first look-ups, and member look-ups on a
/// warm catalog. Run: <c>dotnet run -c Release --project bench/DumpScope.Bench -- --filter '*Btf*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class BtfBenchmarks
{
    private byte[] _data = [];
    private BtfTypeCatalog _warm = null!;
    private KernelType _taskStruct = null!;

    /// <summary>Reads the file once; the benchmarks parse from memory so disk speed does not count.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _data = File.ReadAllBytes(Fixtures.Btf);
        _warm = BtfTypeCatalog.FromBytes(_data, "bench");
        _taskStruct = _warm.FindType("struct task_struct")!;
        _ = _taskStruct.Members;
    }

    /// <summary>Header, one pass over the type section with every check, cycle checks.</summary>
    [Benchmark]
    public int Parse() => BtfTypeCatalog.FromBytes(_data, "bench").TypeCount;

    /// <summary>Parse plus the name index (built on the first look-up) and one struct's members: what a session pays before its first command.</summary>
    [Benchmark]
    public ulong ParseIndexAndFirstLookup()
    {
        var catalog = BtfTypeCatalog.FromBytes(_data, "bench");
        return catalog.FindType("struct kmem_cache")!.FindMember("node").Offset;
    }

    /// <summary>A member path on a warm catalog: "se.load.weight" through task_struct (244 members).</summary>
    [Benchmark]
    public ulong MemberPathLookup() => _taskStruct.FindMember("se.load.weight").Offset;

    /// <summary>A name look-up on a warm catalog.</summary>
    [Benchmark]
    public ulong NameLookup() => _warm.FindType("struct kmem_cache")!.Size;
}
