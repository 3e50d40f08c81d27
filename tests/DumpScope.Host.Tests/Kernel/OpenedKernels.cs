using System.Collections.Concurrent;
using DumpScope.Host.Kernel;

namespace DumpScope.Host.Tests.Kernel;

/// <summary>
/// Kernels of the real fixtures, opened once per test run (decoding kallsyms for every test would only
/// slow the suite). Tests must not change them. Missing fixtures skip the test.
/// </summary>
internal static class OpenedKernels
{
    private static readonly ConcurrentDictionary<string, Lazy<DumpKernel>> Cache = new();

    public static DumpKernel Kd1Zlib => Get(Fixtures.Kd1Zlib);
    public static DumpKernel Kd1Elf => Get(Fixtures.Kd1Elf);
    public static DumpKernel Q1 => Get(Fixtures.Q1Elf);
    public static DumpKernel K510Zlib => Get(Fixtures.K510Zlib);

    public static DumpKernel ByName(string name) => name switch
    {
        "kd1-zlib" => Kd1Zlib,
        "kd1-elf" => Kd1Elf,
        "q1" => Q1,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static DumpKernel Get(string path) =>
        Cache.GetOrAdd(path, p => new Lazy<DumpKernel>(() => KernelLoader.Open(DumpOpener.Open(p), KernelOpenOptions.Default))).Value;
}
