using DumpScope.Sdk.Commands;
using DumpScope.Sdk.Dumps;
using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Memory;
using DumpScope.Sdk.Symbols;
using DumpScope.Sdk.Types;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Host.Tests.Types;

/// <summary>
/// An <see cref="IKernel"/> for tests of typed reads and commands: byte-array memory, hand-made symbols,
/// any type catalog (usually the fixture BTF) and a real runtime-size registry. The dump itself is absent.
/// </summary>
internal sealed class FakeKernel : IKernel
{
    public FakeKernel(ITypeCatalog types, uint nrCpuIds = 2, uint nrNodeIds = 1)
    {
        Types = types;
        NrCpuIds = nrCpuIds;
        NrNodeIds = nrNodeIds;
        PossibleCpus = CpuMask.FirstN((int)nrCpuIds);
        OnlineCpus = PossibleCpus;
    }

    public FakeKernelMemory FakeMemory { get; } = new();

    public FakeSymbolTable FakeSymbols { get; } = new();

    public IDumpSource Dump => throw new NotSupportedException("the fake kernel has no dump file");

    public IKernelMemory Memory => FakeMemory;

    public ISymbolTable Symbols => FakeSymbols;

    public ITypeCatalog Types { get; }

    public IRuntimeSizeRegistry RuntimeSizes { get; } = new RuntimeSizeRegistry();

    public VmcoreInfo? VmcoreInfo => null;

    public string Release => "6.1.0-56-cloud-amd64";

    public string Architecture => "x86_64";

    public int PageSize => FakeKernelMemory.PageSize;

    public ulong KaslrOffset => 0;

    public uint NrCpuIds { get; }

    public uint NrNodeIds { get; }

    public CpuMask PossibleCpus { get; }

    public CpuMask OnlineCpus { get; }

    public ulong PerCpuOffset(int cpu) =>
        cpu >= 0 && cpu < NrCpuIds ? 0x1000_0000UL * (ulong)(cpu + 1) : throw new ArgumentOutOfRangeException(nameof(cpu));

    public IReadOnlyList<string> FactNotes => [];

    /// <summary>A command context whose services hold this kernel.</summary>
    public CommandContext Context(string commandLine = "test") =>
        new(new ServiceCollection().AddSingleton<IKernel>(this).BuildServiceProvider(), commandLine, CancellationToken.None);
}
