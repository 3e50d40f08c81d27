using System.Buffers.Binary;
using DumpScope.Sdk.Dumps;
using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Memory;
using DumpScope.Sdk.Symbols;
using DumpScope.Sdk.Types;

namespace DumpScope.Plugins.Memory.Tests.Fakes;

/// <summary>
/// A kernel made of a few memory blocks, symbols and types a test writes: for layouts the fixtures lack (the
/// pre-5.10 log_buf). Unknown addresses read as not mapped.
/// </summary>
public sealed class SyntheticKernel : IKernel, IKernelMemory, ISymbolTable, ITypeCatalog
{
    private readonly List<(ulong Address, byte[] Data)> _blocks = [];
    private readonly Dictionary<string, ulong> _symbols = [];
    private readonly Dictionary<string, KernelType> _types = [];

    /// <summary>Adds a block of memory and returns its address.</summary>
    public ulong Map(ulong address, byte[] data)
    {
        _blocks.Add((address, data));
        return address;
    }

    /// <summary>Adds a symbol.</summary>
    public void Symbol(string name, ulong address) => _symbols[name] = address;

    /// <summary>Maps a global of 8 bytes holding <paramref name="value"/> and names it.</summary>
    public void Global(string name, ulong address, ulong value)
    {
        var data = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(data, value);
        Map(address, data);
        Symbol(name, address);
    }

    /// <summary>Adds a type under its C name ("struct printk_log").</summary>
    public void Type(string name, KernelType type) => _types[name] = type;

    /// <inheritdoc/>
    public IDumpSource Dump => throw new NotSupportedException("a synthetic kernel has no dump file");
    /// <inheritdoc/>
    public IKernelMemory Memory => this;
    /// <inheritdoc/>
    public ISymbolTable Symbols => this;
    /// <inheritdoc/>
    public ITypeCatalog Types => this;
    /// <inheritdoc/>
    public IRuntimeSizeRegistry RuntimeSizes { get; } = new RuntimeSizeRegistry();
    /// <inheritdoc/>
    public VmcoreInfo? VmcoreInfo => null;
    /// <inheritdoc/>
    public string Release => "synthetic";
    /// <inheritdoc/>
    public string Architecture => "x86_64";
    /// <inheritdoc/>
    public int PageSize => 4096;
    /// <inheritdoc/>
    public ulong KaslrOffset => 0;
    /// <inheritdoc/>
    public uint NrCpuIds => 1;
    /// <inheritdoc/>
    public uint NrNodeIds => 1;
    /// <inheritdoc/>
    public CpuMask PossibleCpus => CpuMask.FirstN(1);
    /// <inheritdoc/>
    public CpuMask OnlineCpus => CpuMask.FirstN(1);
    /// <inheritdoc/>
    public ulong PerCpuOffset(int cpu) => 0;
    /// <inheritdoc/>
    public IReadOnlyList<string> FactNotes => [];

    /// <inheritdoc/>
    public ReadResult ReadVirtual(ulong address, Span<byte> destination)
    {
        int done = 0;
        while (done < destination.Length)
        {
            ulong at = address + (ulong)done;
            var block = _blocks.FirstOrDefault(b => at >= b.Address && at < b.Address + (ulong)b.Data.Length);
            if (block.Data is null) return new ReadResult(done, new MemoryFault(at, MemoryFaultKind.NotMapped, false));
            int count = (int)Math.Min((ulong)(destination.Length - done), block.Address + (ulong)block.Data.Length - at);
            block.Data.AsSpan((int)(at - block.Address), count).CopyTo(destination[done..]);
            done += count;
        }
        return ReadResult.Complete(done);
    }

    /// <inheritdoc/>
    public ReadResult ReadPhysical(ulong address, Span<byte> destination) => new(0, new MemoryFault(address, MemoryFaultKind.NotInDump, true));
    /// <inheritdoc/>
    public Translation Translate(ulong virtualAddress) => new(0, 0, new MemoryFault(virtualAddress, MemoryFaultKind.NotMapped, false));

    /// <inheritdoc/>
    public string Source => "synthetic";
    /// <inheritdoc/>
    public int Count => _symbols.Count;
    /// <inheritdoc/>
    public bool TryGetAddress(string name, out ulong address) => _symbols.TryGetValue(name, out address);
    /// <inheritdoc/>
    public SymbolMatch? Lookup(ulong address) => null;
    /// <inheritdoc/>
    public IEnumerable<KernelSymbol> All => _symbols.Select(s => new KernelSymbol(s.Key, s.Value, 'D')).OrderBy(s => s.Address);

    /// <inheritdoc/>
    public KernelType? FindType(string name) => _types.GetValueOrDefault(name);
    /// <inheritdoc/>
    public KernelType? FindVariableType(string name) => null;
    /// <inheritdoc/>
    public IEnumerable<string> TypeNames => _types.Keys;
}
