using System.Reflection;
using DumpScope.Host.Session;
using DumpScope.Testing.Kernels;
using DumpScope.Testing.Sessions;

namespace DumpScope.Testing.DumpWriters;

/// <summary>
/// A <see cref="SyntheticKernel"/> written by <see cref="KernelDumpFile"/> into a temporary folder (deleted on
/// dispose), with the 6.1 BTF beside it unless other types are given, opened as sessions the way the CLI
/// opens it (<c>--system-map</c>, <c>--btf</c>).
/// </summary>
public sealed class WrittenKernelDump : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dumpscope-kernel-dump-").FullName;

    /// <summary>Writes <paramref name="kernel"/> (a machine of <paramref name="maxPfn"/> frames at least).</summary>
    public WrittenKernelDump(SyntheticKernel kernel, ulong maxPfn = 0, byte[]? btf = null) =>
        Files = KernelDumpFile.Write(kernel, Path.Combine(_folder, "kernel.kdump"), btf ?? Types.ReferenceTypes.Debian61Bytes, maxPfn);

    /// <summary>The dump, System.map and BTF written.</summary>
    public KernelDumpFile.Written Files { get; }

    /// <summary>A session over the dump with <paramref name="plugins"/> loaded in-process.</summary>
    public DumpScopeSession Open(params Assembly[] plugins) =>
        FixtureSession.Open(new SessionOptions { DumpPath = Files.Dump, SystemMapPath = Files.SystemMap, BtfPath = Files.Btf }, plugins);

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
