namespace DumpScope.Testing.Kernels;

/// <summary>
/// A real kernel seen through other memory, for fault injection: reads go to <paramref name="memory"/>
/// (a wrapper that patches or excludes chosen addresses), everything else is the real kernel's.
/// </summary>
public sealed class KernelWithMemory(IKernel inner, IKernelMemory memory, IRuntimeSizeRegistry? runtimeSizes = null) : IKernel
{
    /// <inheritdoc/>
    public IDumpSource Dump => inner.Dump;
    /// <inheritdoc/>
    public IKernelMemory Memory => memory;
    /// <inheritdoc/>
    public ISymbolTable Symbols => inner.Symbols;
    /// <inheritdoc/>
    public ITypeCatalog Types => inner.Types;
    /// <inheritdoc/>
    public IRuntimeSizeRegistry RuntimeSizes => runtimeSizes ?? inner.RuntimeSizes;
    /// <inheritdoc/>
    public VmcoreInfo? VmcoreInfo => inner.VmcoreInfo;
    /// <inheritdoc/>
    public string Release => inner.Release;
    /// <inheritdoc/>
    public string Architecture => inner.Architecture;
    /// <inheritdoc/>
    public int PageSize => inner.PageSize;
    /// <inheritdoc/>
    public ulong KaslrOffset => inner.KaslrOffset;
    /// <inheritdoc/>
    public uint NrCpuIds => inner.NrCpuIds;
    /// <inheritdoc/>
    public uint NrNodeIds => inner.NrNodeIds;
    /// <inheritdoc/>
    public CpuMask PossibleCpus => inner.PossibleCpus;
    /// <inheritdoc/>
    public CpuMask OnlineCpus => inner.OnlineCpus;

    /// <inheritdoc/>
    public CpuMask PresentCpus => inner.PresentCpus;
    /// <inheritdoc/>
    public ulong PerCpuOffset(int cpu) => inner.PerCpuOffset(cpu);
    /// <inheritdoc/>
    public IReadOnlyList<string> FactNotes => inner.FactNotes;
}
