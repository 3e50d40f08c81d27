using BenchmarkDotNet.Attributes;
using DumpScope.Host.Arch.X86_64;
using DumpScope.Host.Dumps;
using DumpScope.Host.Symbols;
using DumpScope.Testing;

namespace DumpScope.Bench;

/// <summary>
/// Decoding the whole kallsyms table (87,347 symbols on the fixture kernel) from the kd1 kdump-zlib dump:
/// with the dump's page cache warm (decode cost) and cold (every page decompressed again).
/// </summary>
[MemoryDiagnoser]
public class KallsymsBenchmarks
{
    private IDumpSource _dump = null!;
    private VmcoreInfo _info = null!;
    private X86_64AddressSpace _warm = null!;

    /// <summary>Opens the dump and warms the page cache with one decode.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _dump = DumpOpener.Open(Fixtures.Kd1Zlib);
        _info = _dump.VmcoreInfo!;
        _warm = NewSpace();
        if (KallsymsReader.TryRead(_warm, _info, out var problem) is null) throw new InvalidOperationException(problem);
    }

    /// <summary>Closes the dump.</summary>
    [GlobalCleanup]
    public void Cleanup() => _dump.Dispose();

    private X86_64AddressSpace NewSpace() =>
        X86_64AddressSpace.FromVmcoreInfo(new DumpPhysicalMemory(_dump), _info, _dump.MaxPfn * 4096, _dump.FilePath);

    /// <summary>Decode with the dump's decompressed pages cached.</summary>
    [Benchmark(Baseline = true)]
    public int DecodeWarmCache() => KallsymsReader.TryRead(_warm, _info, out _)!.Table.Count;

    /// <summary>Decode from a fresh page cache: includes zlib decompression of the tables' pages.</summary>
    [Benchmark]
    public int DecodeColdCache() => KallsymsReader.TryRead(NewSpace(), _info, out _)!.Table.Count;
}
