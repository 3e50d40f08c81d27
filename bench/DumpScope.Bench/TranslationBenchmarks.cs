using BenchmarkDotNet.Attributes;
using DumpScope.Host.Arch.X86_64;
using DumpScope.Host.Dumps;
using DumpScope.Host.Kernel;
using DumpScope.Testing;

namespace DumpScope.Bench;

/// <summary>
/// Translations per second on the kd1 dump: 4096 direct-map addresses spread over RAM, translated by a
/// full page-table walk (no cache), by a walk with the translation cache (a working set that fits it), and
/// by the direct-map arithmetic. Page-table pages stay in the dump's page cache throughout.
/// </summary>
public class TranslationBenchmarks
{
    /// <summary>Addresses translated per benchmark invocation.</summary>
    public const int Addresses = 4096;

    private IDumpSource _dump = null!;
    private X86_64AddressSpace _noCache = null!;
    private X86_64AddressSpace _cached = null!;
    private X86_64AddressSpace _fast = null!;
    private ulong[] _spread = null!;
    private ulong[] _workingSet = null!;

    /// <summary>Opens the dump, builds the address spaces and the address lists.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _dump = DumpOpener.Open(Fixtures.Kd1Zlib);
        var kernel = KernelLoader.Open(_dump, KernelOpenOptions.Default);
        _fast = (X86_64AddressSpace)kernel.AddressSpace;
        var physical = new DumpPhysicalMemory(_dump);
        _noCache = new X86_64AddressSpace(physical, _fast.Options with { UseFastPaths = false, TranslationCacheEntries = 0 });
        _cached = new X86_64AddressSpace(physical, _fast.Options with { UseFastPaths = false, TranslationCacheEntries = 1024 });

        ulong directMap = _fast.DirectMapBase!.Value;
        var random = new Random(42);
        var ram = Enumerable.Range(0x100, (int)_dump.MaxPfn - 0x100).Select(p => (ulong)p).Where(p => _dump.GetPageState(p) == PageState.Present).ToArray();
        _spread = Enumerable.Range(0, Addresses).Select(_ => directMap + ram[random.Next(ram.Length)] * 4096 + (ulong)random.Next(4096)).ToArray();
        // 512 distinct pages, each visited 8 times: the cache holds them all after the first visit.
        var hot = Enumerable.Range(0, 512).Select(_ => directMap + ram[random.Next(ram.Length)] * 4096).ToArray();
        _workingSet = Enumerable.Range(0, Addresses).Select(i => hot[i % hot.Length] + (ulong)(i * 8 % 4096)).ToArray();
        foreach (var va in _spread) if (!_noCache.Translate(va).Success) throw new InvalidOperationException($"{va:x} does not translate");
    }

    /// <summary>Closes the dump.</summary>
    [GlobalCleanup]
    public void Cleanup() => _dump.Dispose();

    /// <summary>Full 4-level walk for every address.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Addresses)]
    public ulong WalkNoCache() => Sum(_noCache, _spread);

    /// <summary>Walks through the translation cache (mostly hits).</summary>
    [Benchmark(OperationsPerInvoke = Addresses)]
    public ulong WalkWithCache() => Sum(_cached, _workingSet);

    /// <summary>Walks through the translation cache with addresses spread over all of RAM (mostly misses).</summary>
    [Benchmark(OperationsPerInvoke = Addresses)]
    public ulong WalkWithCacheSpread() => Sum(_cached, _spread);

    /// <summary>The direct-map arithmetic.</summary>
    [Benchmark(OperationsPerInvoke = Addresses)]
    public ulong DirectMapFastPath() => Sum(_fast, _spread);

    private static ulong Sum(X86_64AddressSpace space, ulong[] addresses)
    {
        ulong sum = 0;
        foreach (var va in addresses) sum += space.Translate(va).PhysicalAddress;
        return sum;
    }
}
