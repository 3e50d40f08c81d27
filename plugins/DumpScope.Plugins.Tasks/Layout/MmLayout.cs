using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Types;

namespace DumpScope.Plugins.Tasks.Layout;

/// <summary>The members of <c>struct mm_struct</c> that ps reads (total_vm and the RSS counters), probed by shape.</summary>
public sealed class MmLayout
{
    /// <summary>MM_FILEPAGES: the first counter since the enum appeared (2.6.34).</summary>
    public const int FilePages = 0;

    /// <summary>MM_ANONPAGES.</summary>
    public const int AnonPages = 1;

    /// <summary>MM_SHMEMPAGES: a fourth counter since 4.5 (commit eca56ff906bd); absent when there are three.</summary>
    public const int ShmemPages = 3;

    private MmLayout()
    {
    }

    /// <summary>total_vm (pages).</summary>
    public FieldSpec? TotalVm { get; private init; }

    /// <summary>How the counters are stored.</summary>
    public RssCounterKind Kind { get; private init; }

    /// <summary>Offset of the first counter in the mm_struct.</summary>
    public int CountersOffset { get; private init; }

    /// <summary>Number of counters (NR_MM_COUNTERS).</summary>
    public int Counters { get; private init; }

    /// <summary>Bytes between counters (8 for atomic_long_t, sizeof(struct percpu_counter)).</summary>
    public int Stride { get; private init; }

    /// <summary>percpu_counter.count (s64) offset inside one counter.</summary>
    public int PercpuCountOffset { get; private init; }

    /// <summary>percpu_counter.counters (s32 __percpu *) offset inside one counter.</summary>
    public int PercpuCountersOffset { get; private init; }

    /// <summary>The counter indices that make up RSS: file, anon and (when present) shmem, as the kernel's get_mm_rss adds them.</summary>
    public IReadOnlyList<int> RssIndices => Counters > ShmemPages ? [FilePages, AnonPages, ShmemPages] : [FilePages, AnonPages];

    /// <summary>Bytes of an mm_struct to read.</summary>
    public int ReadLength { get; private init; }

    /// <summary>Probes the layout; a kernel without the members gets a layout that says so (Kind None, TotalVm null).</summary>
    public static MmLayout Probe(IKernel kernel)
    {
        var mm = kernel.Types.TryParse("struct mm_struct");
        if (mm is null) return new MmLayout();
        var totalVm = FieldSpec.FindScalar(mm, "total_vm");
        var kind = RssCounterKind.None;
        int offset = 0, counters = 0, stride = 0, countOffset = 0, percpuOffset = 0;
        if (mm.Resolve().TryFindMember("rss_stat.count", out var atomics) && atomics.Type.Resolve() is { Kind: TypeKind.Array } array
            && array.Target!.Resolve().Size == 8)
        {
            kind = RssCounterKind.AtomicLong;
            offset = (int)atomics.Offset;
            counters = (int)array.ArrayLength;
            stride = 8;
        }
        else if (mm.Resolve().TryFindMember("rss_stat", out var stat) && stat.Type.Resolve() is { Kind: TypeKind.Array } percpu
                 && percpu.Target!.Resolve() is { Kind: TypeKind.Struct } counter
                 && FieldSpec.FindScalar(counter, "count") is { Size: 8 } count && FieldSpec.FindScalar(counter, "counters") is { Size: 8 } per)
        {
            kind = RssCounterKind.PercpuCounter;
            offset = (int)stat.Offset;
            counters = (int)percpu.ArrayLength;
            stride = (int)counter.Size;
            countOffset = count.Offset;
            percpuOffset = per.Offset;
        }
        if (counters is < 2 or > 16) kind = RssCounterKind.None;
        int end = Math.Max(totalVm?.End ?? 0, kind == RssCounterKind.None ? 0 : offset + counters * stride);
        return new MmLayout
        {
            TotalVm = totalVm, Kind = kind, CountersOffset = offset, Counters = kind == RssCounterKind.None ? 0 : counters, Stride = stride,
            PercpuCountOffset = countOffset, PercpuCountersOffset = percpuOffset, ReadLength = end,
        };
    }
}
