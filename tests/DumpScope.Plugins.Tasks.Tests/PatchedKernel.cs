using DumpScope.Sdk.Commands;
using DumpScope.Sdk.Dumps;
using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Memory;
using DumpScope.Sdk.Symbols;
using DumpScope.Sdk.Types;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Plugins.Tasks.Tests;

/// <summary>A real dump's kernel seen through <see cref="PatchedMemory"/>; everything else is the real kernel's.</summary>
internal sealed class PatchedKernel(IKernel inner) : IKernel
{
    public PatchedMemory Patches { get; } = new(inner.Memory, inner.PageSize);

    public IDumpSource Dump => inner.Dump;
    public IKernelMemory Memory => Patches;
    public ISymbolTable Symbols => inner.Symbols;
    public ITypeCatalog Types => inner.Types;
    public IRuntimeSizeRegistry RuntimeSizes { get; } = new RuntimeSizeRegistry();
    public VmcoreInfo? VmcoreInfo => inner.VmcoreInfo;
    public string Release => inner.Release;
    public string Architecture => inner.Architecture;
    public int PageSize => inner.PageSize;
    public ulong KaslrOffset => inner.KaslrOffset;
    public uint NrCpuIds => inner.NrCpuIds;
    public uint NrNodeIds => inner.NrNodeIds;
    public CpuMask PossibleCpus => inner.PossibleCpus;
    public CpuMask OnlineCpus => inner.OnlineCpus;
    public ulong PerCpuOffset(int cpu) => inner.PerCpuOffset(cpu);
    public IReadOnlyList<string> FactNotes => inner.FactNotes;

    /// <summary>Services holding this kernel and a fresh analyzer over it.</summary>
    public ServiceProvider Services() =>
        new ServiceCollection().AddSingleton<IKernel>(this).AddSingleton<TaskAnalyzer>().BuildServiceProvider();

    /// <summary>Runs a command class over this kernel as the host would (no binder: set properties first).</summary>
    public static CommandResult Run(ServiceProvider services, ICommand command, string line) =>
        command.Execute(new CommandContext(services, line, CancellationToken.None));
}
