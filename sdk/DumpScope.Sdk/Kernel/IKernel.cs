namespace DumpScope.Sdk.Kernel;

/// <summary>
/// The dumped kernel: its memory, symbols, types and the facts every analysis needs. One instance per
/// opened dump, registered in the session's service provider.
/// </summary>
public interface IKernel
{
    /// <summary>The dump file this kernel was read from.</summary>
    IDumpSource Dump { get; }

    /// <summary>Kernel virtual and physical memory.</summary>
    IKernelMemory Memory { get; }

    /// <summary>Kernel symbols.</summary>
    ISymbolTable Symbols { get; }

    /// <summary>Kernel types.</summary>
    ITypeCatalog Types { get; }

    /// <summary>Types whose live objects are shorter than declared (see <see cref="IRuntimeSizeRegistry"/>).</summary>
    IRuntimeSizeRegistry RuntimeSizes { get; }

    /// <summary>The VMCOREINFO note, when the dump has one.</summary>
    VmcoreInfo? VmcoreInfo { get; }

    /// <summary>Kernel release (utsname release), e.g. "6.1.0-56-cloud-amd64".</summary>
    string Release { get; }

    /// <summary>Machine architecture, e.g. "x86_64".</summary>
    string Architecture { get; }

    /// <summary>Page size in bytes.</summary>
    int PageSize { get; }

    /// <summary>The KASLR slide applied to the kernel image.</summary>
    ulong KaslrOffset { get; }

    /// <summary>The kernel's nr_cpu_ids: the length per-CPU arrays are trimmed to.</summary>
    uint NrCpuIds { get; }

    /// <summary>The kernel's nr_node_ids: the length per-node arrays are trimmed to.</summary>
    uint NrNodeIds { get; }

    /// <summary>cpu_possible_mask.</summary>
    CpuMask PossibleCpus { get; }

    /// <summary>cpu_online_mask.</summary>
    CpuMask OnlineCpus { get; }

    /// <summary>
    /// cpu_present_mask: the CPUs the machine has (online, or hot-unplugged and parked in their idle task), as
    /// opposed to the possible ones, which include hot-plug slots that never held a CPU. Kernels whose mask
    /// cannot be read, and implementations that do not know it, give the possible CPUs.
    /// </summary>
    CpuMask PresentCpus => PossibleCpus;

    /// <summary>__per_cpu_offset[cpu]; throws for a CPU outside nr_cpu_ids.</summary>
    ulong PerCpuOffset(int cpu);

    /// <summary>How each fact was obtained when a fallback was used ("nr_node_ids: symbol missing, assumed 1").</summary>
    IReadOnlyList<string> FactNotes { get; }

    /// <summary>
    /// The memory model (direct map, vmemmap, pfn/page/virtual arithmetic). The host publishes the one it checked
    /// against the page tables at open; kernels that do not implement it get one read from page_offset_base,
    /// vmemmap_base and max_pfn (x86-64 defaults when missing), cached per kernel.
    /// </summary>
    IMemoryModel MemoryModel => MemoryModelProbe.For(this);

    /// <summary>
    /// What has been probed about this kernel and how (see <see cref="IKernelFeatures"/>); kernels that do not
    /// hold their own get one kept per kernel.
    /// </summary>
    IKernelFeatures Features => KernelFeatureSet.For(this);
}

/// <summary>A set of CPU numbers (a kernel cpumask).</summary>
public sealed class CpuMask
{
    private readonly ulong[] _bits;

    /// <summary>Creates a mask from its 64-bit words, as the kernel stores them.</summary>
    public CpuMask(IEnumerable<ulong> words) => _bits = words.ToArray();

    /// <summary>A mask with CPUs 0..count-1 set.</summary>
    public static CpuMask FirstN(int count)
    {
        var words = new ulong[(count + 63) / 64];
        for (int i = 0; i < count; i++) words[i / 64] |= 1UL << (i % 64);
        return new CpuMask(words);
    }

    /// <summary>True when the CPU is in the mask.</summary>
    public bool Contains(int cpu) => cpu >= 0 && cpu / 64 < _bits.Length && (_bits[cpu / 64] & (1UL << (cpu % 64))) != 0;

    /// <summary>The CPUs in the mask, ascending.</summary>
    public IEnumerable<int> Cpus
    {
        get
        {
            for (int w = 0; w < _bits.Length; w++)
                for (int b = 0; b < 64; b++)
                    if ((_bits[w] & (1UL << b)) != 0) yield return w * 64 + b;
        }
    }

    /// <summary>Number of CPUs in the mask.</summary>
    public int Count => _bits.Sum(w => System.Numerics.BitOperations.PopCount(w));

    /// <summary>The kernel's list format: "0-1,4".</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        int start = -1, prev = -2;
        foreach (var cpu in Cpus)
        {
            if (cpu != prev + 1)
            {
                if (start >= 0) parts.Add(start == prev ? $"{start}" : $"{start}-{prev}");
                start = cpu;
            }
            prev = cpu;
        }
        if (start >= 0) parts.Add(start == prev ? $"{start}" : $"{start}-{prev}");
        return string.Join(',', parts);
    }
}
