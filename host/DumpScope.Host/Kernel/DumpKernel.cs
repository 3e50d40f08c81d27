using DumpScope.Host.Arch;

namespace DumpScope.Host.Kernel;

/// <summary>
/// The kernel of one opened dump, composed by <see cref="KernelLoader.Open"/>: address translation (x86-64 or arm64),
/// symbols (kallsyms in the dump, System.map, vmlinux), types, and the facts read from memory once at open.
/// Thread-safe. Does not own the dump: dispose the <see cref="IDumpSource"/> separately.
/// </summary>
public sealed class DumpKernel : IKernel
{
    private readonly ulong[]? _perCpuOffsets;
    private readonly MemoryFault? _perCpuFault;
    private readonly Lazy<IMemoryModel> _memoryModel;

    internal DumpKernel(IDumpSource dump, IKernelAddressSpace addressSpace, ISymbolTable symbols, ITypeCatalog types, KernelFacts facts, Lazy<IMemoryModel> memoryModel)
    {
        Dump = dump;
        AddressSpace = addressSpace;
        Symbols = symbols;
        Types = types;
        Release = facts.Release;
        PageSize = facts.PageSize;
        KaslrOffset = facts.KaslrOffset;
        NrCpuIds = facts.NrCpuIds;
        NrNodeIds = facts.NrNodeIds;
        PossibleCpus = facts.PossibleCpus;
        OnlineCpus = facts.OnlineCpus;
        PresentCpus = facts.PresentCpus;
        _perCpuOffsets = facts.PerCpuOffsets;
        _perCpuFault = facts.PerCpuFault;
        FactNotes = facts.Notes;
        _memoryModel = memoryModel;
    }

    /// <inheritdoc/>
    public IMemoryModel MemoryModel => _memoryModel.Value;

    /// <inheritdoc/>
    public IKernelFeatures Features { get; } = new KernelFeatureSet();

    /// <inheritdoc/>
    public IDumpSource Dump { get; }

    /// <inheritdoc/>
    public IKernelMemory Memory => AddressSpace;

    /// <summary>The architecture's address space behind <see cref="Memory"/>, for page-table detail (vtop, ptov).</summary>
    public IKernelAddressSpace AddressSpace { get; }

    /// <inheritdoc/>
    public ISymbolTable Symbols { get; }

    /// <inheritdoc/>
    public ITypeCatalog Types { get; }

    /// <inheritdoc/>
    public IRuntimeSizeRegistry RuntimeSizes { get; } = new RuntimeSizeRegistry();

    /// <inheritdoc/>
    public VmcoreInfo? VmcoreInfo => Dump.VmcoreInfo;

    /// <inheritdoc/>
    public string Release { get; }

    /// <inheritdoc/>
    public string Architecture => AddressSpace.Architecture;

    /// <inheritdoc/>
    public int PageSize { get; }

    /// <inheritdoc/>
    public ulong KaslrOffset { get; }

    /// <inheritdoc/>
    public uint NrCpuIds { get; }

    /// <inheritdoc/>
    public uint NrNodeIds { get; }

    /// <inheritdoc/>
    public CpuMask PossibleCpus { get; }

    /// <inheritdoc/>
    public CpuMask OnlineCpus { get; }

    /// <inheritdoc/>
    public CpuMask PresentCpus { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> FactNotes { get; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">The CPU is outside 0..nr_cpu_ids-1.</exception>
    /// <exception cref="MemoryFaultException">__per_cpu_offset could not be read from the dump.</exception>
    public ulong PerCpuOffset(int cpu)
    {
        if (cpu < 0 || (uint)cpu >= NrCpuIds)
            throw new ArgumentOutOfRangeException(nameof(cpu), cpu, $"CPU {cpu} is outside 0..{NrCpuIds - 1} (nr_cpu_ids = {NrCpuIds})");
        if (_perCpuFault is not null) throw new MemoryFaultException(_perCpuFault);
        return _perCpuOffsets is null ? 0 : _perCpuOffsets[cpu];
    }
}
