using DumpScope.Testing.Types;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Testing.Kernels;

/// <summary>
/// A kernel built by a test: <see cref="SyntheticMemory"/>, hand-placed <see cref="SyntheticSymbols"/>, any type
/// catalog (BTF written with <see cref="BtfBuilder"/>, the bundled <see cref="ReferenceTypes"/> of a real
/// kernel, or <see cref="SyntheticTypes"/>) and a real runtime-size registry. It has no dump file.
/// </summary>
public sealed class SyntheticKernel : IKernel
{
    /// <summary>A kernel with <paramref name="nrCpuIds"/> possible and online CPUs and <paramref name="nrNodeIds"/> nodes.</summary>
    public SyntheticKernel(ITypeCatalog? types = null, uint nrCpuIds = 2, uint nrNodeIds = 1)
    {
        Types = types ?? new SyntheticTypes();
        NrCpuIds = nrCpuIds;
        NrNodeIds = nrNodeIds;
        PossibleCpus = CpuMask.FirstN((int)nrCpuIds);
        OnlineCpus = PossibleCpus;
    }

    /// <summary>The kernel's memory, for the test to fill.</summary>
    public SyntheticMemory Memory { get; } = new();

    /// <summary>The kernel's symbols, for the test to add.</summary>
    public SyntheticSymbols Symbols { get; } = new();

    IKernelMemory IKernel.Memory => Memory;

    ISymbolTable IKernel.Symbols => Symbols;

    /// <inheritdoc/>
    public IDumpSource Dump => throw new NotSupportedException("a synthetic kernel has no dump file");

    /// <inheritdoc/>
    public ITypeCatalog Types { get; }

    /// <inheritdoc/>
    public IRuntimeSizeRegistry RuntimeSizes { get; } = new RuntimeSizeRegistry();

    /// <inheritdoc/>
    public VmcoreInfo? VmcoreInfo { get; init; }

    /// <inheritdoc/>
    public string Release { get; init; } = "6.1.0-56-cloud-amd64";

    /// <inheritdoc/>
    public string Architecture => "x86_64";

    /// <inheritdoc/>
    public int PageSize => SyntheticMemory.PageSize;

    /// <inheritdoc/>
    public ulong KaslrOffset => 0;

    /// <inheritdoc/>
    public uint NrCpuIds { get; }

    /// <inheritdoc/>
    public uint NrNodeIds { get; }

    /// <inheritdoc/>
    public CpuMask PossibleCpus { get; }

    /// <inheritdoc/>
    public CpuMask OnlineCpus { get; }

    /// <summary>cpu_present_mask: the possible CPUs unless the test sets fewer.</summary>
    public CpuMask PresentCpus { get => _present ?? PossibleCpus; set => _present = value; }

    private CpuMask? _present;

    /// <summary>CPU n's per-cpu area starts at 0x1000_0000 * (n + 1).</summary>
    public ulong PerCpuOffset(int cpu) =>
        cpu >= 0 && cpu < NrCpuIds ? 0x1000_0000UL * (ulong)(cpu + 1) : throw new ArgumentOutOfRangeException(nameof(cpu));

    /// <inheritdoc/>
    public IReadOnlyList<string> FactNotes => [];

    /// <summary>Places an 8-byte global holding <paramref name="value"/> at <paramref name="address"/> and names it.</summary>
    public void Global(string name, ulong address, ulong value)
    {
        Memory.WriteU64(address, value);
        Symbols.Add(name, address);
    }

    /// <summary>The hand-declared types (the kernel was built with <see cref="SyntheticTypes"/>, as by default).</summary>
    public SyntheticTypes Declared => Types as SyntheticTypes ?? throw new InvalidOperationException($"this kernel's types are {Types.Source}, not SyntheticTypes");

    /// <summary>The type named <paramref name="name"/> (<see cref="SyntheticTypes.T"/>).</summary>
    public KernelType T(string name) => Types.Require(name);

    /// <summary>A pointer to a type by name (<see cref="SyntheticTypes.Ptr"/>).</summary>
    public KernelType Ptr(string target) => Declared.Ptr(target);

    /// <summary>An array of a type by name (<see cref="SyntheticTypes.Array"/>).</summary>
    public KernelType Array(string element, ulong length) => Declared.Array(element, length);

    /// <summary>Declares a naturally aligned struct (<see cref="SyntheticTypes.Struct"/>).</summary>
    public SyntheticStruct Struct(string name, params (string Name, KernelType Type)[] members) => Declared.Struct(name, members);

    /// <summary>Declares a struct with explicit offsets (<see cref="SyntheticTypes.StructAt"/>).</summary>
    public SyntheticStruct StructAt(string name, ulong size, params (string Name, KernelType Type, ulong Offset)[] members) =>
        Declared.StructAt(name, size, members);

    /// <summary>The byte offset of a member path in a type.</summary>
    public ulong Offset(string type, string member) => T(type).FindMember(member).Offset;

    /// <summary>Writes <paramref name="value"/> into <paramref name="member"/> of the <paramref name="type"/> at <paramref name="address"/>, at the member's width.</summary>
    public void Set(string type, ulong address, string member, ulong value)
    {
        var location = T(type).FindMember(member);
        Memory.Write(address + location.Offset, BitConverter.GetBytes(value).AsSpan(0, (int)location.Type.Resolve().Size));
    }

    /// <summary>Writes a NUL-terminated ASCII string into a char array member.</summary>
    public void SetString(string type, ulong address, string member, string value) =>
        Memory.Write(address + Offset(type, member), Encoding.ASCII.GetBytes(value + "\0"));

    /// <summary>Places a zeroed object of the type's size at <paramref name="address"/>.</summary>
    public void Zero(string type, ulong address) => Memory.Write(address, new byte[(int)T(type).Size]);

    /// <summary>Where x86-64 maps struct page when KASLR is off (vmemmap_base's default).</summary>
    public const ulong Vmemmap = 0xffffea0000000000UL;

    /// <summary>Where x86-64 maps all physical memory when KASLR is off (page_offset_base's default).</summary>
    public const ulong DirectMap = 0xffff888000000000UL;

    /// <summary>
    /// Places the memory model's globals as 8-byte variables from <paramref name="at"/> on: vmemmap_base, then
    /// page_offset_base, then (when given) max_pfn — what page and slab helpers read to turn pfns into struct
    /// page and direct-map addresses.
    /// </summary>
    public void MemoryModel(ulong at, ulong? maxPfn = null, ulong vmemmap = Vmemmap, ulong directMap = DirectMap)
    {
        Global("vmemmap_base", at, vmemmap);
        Global("page_offset_base", at + 8, directMap);
        if (maxPfn is { } pfns) Global("max_pfn", at + 16, pfns);
    }

    /// <summary>Services holding this kernel (as <see cref="IKernel"/>) and whatever <paramref name="configure"/> adds.</summary>
    public ServiceProvider Services(Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection().AddSingleton<IKernel>(this);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>A command context whose services hold this kernel.</summary>
    public CommandContext Context(string commandLine = "test") => new(Services(), commandLine, CancellationToken.None);
}
