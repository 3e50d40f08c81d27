using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using DumpScope.Host.Types.Dwarf;
using DumpScope.Testing;

namespace DumpScope.Bench;

/// <summary>
/// DWARF of the fixture kernel's vmlinux (590 MB file, 164 MB .debug_info, 2172 units): a cold index on two
/// threads, a warm open from the index cache, and a warm open plus decoding struct task_struct (what a
/// session pays before its first command). The cleanup prints the process's peak working set, which
/// includes the mapped pages of the file. Run: <c>dotnet run -c Release --project bench/DumpScope.Bench --
/// --filter '*Dwarf*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class DwarfBenchmarks
{
    private string _vmlinux = "";
    private string _cache = "";

    /// <summary>Fetches the vmlinux (once per machine) and writes the index cache the warm benchmarks read.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _vmlinux = Fixtures.Vmlinux;
        _cache = Directory.CreateTempSubdirectory("dumpscope-bench-dwarf-").FullName;
        using var catalog = DwarfTypeCatalog.Open(_vmlinux, new DwarfOpenOptions { CacheDirectory = _cache });
    }

    /// <summary>Reports the peak working set and GC figures of this benchmark process.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        using var process = Process.GetCurrentProcess();
        var gc = GC.GetGCMemoryInfo(GCKind.Any);
        Console.WriteLine($"// DWARF: peak working set {process.PeakWorkingSet64 >> 20} MiB; GC heap now {GC.GetTotalMemory(false) >> 20} MiB; " +
            $"last GC committed {gc.TotalCommittedBytes >> 20} MiB; total allocated {GC.GetTotalAllocatedBytes() >> 20} MiB");
        Directory.Delete(_cache, recursive: true);
    }

    /// <summary>Map the file, read the unit headers and index every unit on two threads; no cache.</summary>
    [Benchmark]
    public int ColdIndexTwoThreads()
    {
        using var catalog = DwarfTypeCatalog.Open(_vmlinux, new DwarfOpenOptions { UseCache = false, Parallelism = 2 });
        return catalog.UnitCount;
    }

    /// <summary>Map the file and read the index and unit headers back from the cache.</summary>
    [Benchmark]
    public int WarmOpenFromCache()
    {
        using var catalog = DwarfTypeCatalog.Open(_vmlinux, new DwarfOpenOptions { CacheDirectory = _cache });
        return catalog.UnitCount;
    }

    /// <summary>Warm open, then struct task_struct with its members (and the by-value containment check).</summary>
    [Benchmark]
    public ulong WarmOpenAndTaskStruct()
    {
        using var catalog = DwarfTypeCatalog.Open(_vmlinux, new DwarfOpenOptions { CacheDirectory = _cache });
        return catalog.FindType("struct task_struct")!.FindMember("se.load.weight").Offset;
    }
}
