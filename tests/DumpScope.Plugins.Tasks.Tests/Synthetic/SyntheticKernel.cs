using DumpScope.Sdk.Dumps;
using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Memory;
using DumpScope.Sdk.Symbols;
using DumpScope.Sdk.Types;

namespace DumpScope.Plugins.Tasks.Tests.Synthetic;

/// <summary>An <see cref="IKernel"/> over <see cref="ByteMemory"/>, hand-placed symbols and any type catalog; it has no dump file.</summary>
internal sealed class SyntheticKernel(ITypeCatalog types) : IKernel
{
    public ByteMemory Bytes { get; } = new();

    public Dictionary<string, ulong> SymbolAddresses { get; } = [];

    public IDumpSource Dump => throw new NotSupportedException("a synthetic kernel has no dump file");
    public IKernelMemory Memory => Bytes;
    public ISymbolTable Symbols => new Table(SymbolAddresses);
    public ITypeCatalog Types => types;
    public IRuntimeSizeRegistry RuntimeSizes { get; } = new RuntimeSizeRegistry();
    public VmcoreInfo? VmcoreInfo => null;
    public string Release => "synthetic";
    public string Architecture => "x86_64";
    public int PageSize => ByteMemory.PageSize;
    public ulong KaslrOffset => 0;
    public uint NrCpuIds => 2;
    public uint NrNodeIds => 1;
    public CpuMask PossibleCpus => CpuMask.FirstN(2);
    public CpuMask OnlineCpus => CpuMask.FirstN(2);
    public ulong PerCpuOffset(int cpu) => 0x1000_0000UL * (ulong)(cpu + 1);
    public IReadOnlyList<string> FactNotes => [];

    private sealed class Table(Dictionary<string, ulong> symbols) : ISymbolTable
    {
        public string Source => "test symbols";
        public int Count => symbols.Count;
        public bool TryGetAddress(string name, out ulong address) => symbols.TryGetValue(name, out address);
        public IEnumerable<KernelSymbol> All => symbols.Select(s => new KernelSymbol(s.Key, s.Value, 'D')).OrderBy(s => s.Address);

        public SymbolMatch? Lookup(ulong address)
        {
            var best = All.LastOrDefault(s => s.Address <= address);
            return best.Name is null ? null : new SymbolMatch(best, address - best.Address);
        }
    }
}
