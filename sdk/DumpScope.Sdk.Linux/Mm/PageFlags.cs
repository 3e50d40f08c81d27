using System.Runtime.CompilerServices;

namespace DumpScope.Sdk.Linux.Mm;

/// <summary>
/// The bit numbers of the kernel's page flags (PG_*), probed once per kernel: from BTF's <c>enum pageflags</c>,
/// else VMCOREINFO's <c>NUMBER(PG_*)</c> (makedumpfile's exports: PG_slab, PG_head, PG_reserved, …). A flag the
/// kernel does not have (PG_tail after 4.6, PG_slab after 6.10) is null.
/// </summary>
public sealed class PageFlags
{
    private static readonly ConditionalWeakTable<IKernel, PageFlags> Cache = new();

    private readonly Dictionary<string, int> _bits;

    private PageFlags(Dictionary<string, int> bits, int count, string source)
    {
        _bits = bits;
        Count = count;
        Source = source;
    }

    /// <summary>The flags of a kernel (probed on first use).</summary>
    public static PageFlags Of(IKernel kernel) => Cache.GetValue(kernel, Probe);

    /// <summary>__NR_PAGEFLAGS: bits at and above it hold section/node/zone numbers, not flags (64 when unknown).</summary>
    public int Count { get; }

    /// <summary>Where the bit numbers came from.</summary>
    public string Source { get; }

    /// <summary>PG_slab, null on kernels where slab is a page type (6.10+, commit 46df8e73a4a3).</summary>
    public int? Slab => Bit("PG_slab");

    /// <summary>PG_head.</summary>
    public int? Head => Bit("PG_head");

    /// <summary>PG_tail: tail pages before compound_head (4.6, commit 1d798ca3f164), else null.</summary>
    public int? Tail => Bit("PG_tail");

    /// <summary>PG_reserved.</summary>
    public int? Reserved => Bit("PG_reserved");

    /// <summary>The bit number of a PG_* flag by its C name, or null.</summary>
    public int? Bit(string name) => _bits.TryGetValue(name, out var bit) ? bit : null;

    /// <summary>The mask of the flag bits (below <see cref="Count"/>).</summary>
    public ulong Mask => Count >= 64 ? ulong.MaxValue : (1UL << Count) - 1;

    /// <summary>True when flag <paramref name="bit"/> is set in <paramref name="flags"/>; false for a flag the kernel lacks.</summary>
    public static bool Test(ulong flags, int? bit) => bit is { } b && (flags & (1UL << b)) != 0;

    private static PageFlags Probe(IKernel kernel)
    {
        var bits = new Dictionary<string, int>(StringComparer.Ordinal);
        int count = 64;
        string source = "none";
        if (kernel.Types.FindType("enum pageflags")?.Resolve() is { Kind: TypeKind.Enum } pageflags)
        {
            source = "enum pageflags";
            foreach (var e in pageflags.Enumerators)
            {
                if (e.Name == "__NR_PAGEFLAGS") count = (int)Math.Clamp(e.Value, 1, 64);
                else if (e.Name.StartsWith("PG_", StringComparison.Ordinal) && e.Value is >= 0 and < 64) bits.TryAdd(e.Name, (int)e.Value);
            }
        }
        else if (kernel.VmcoreInfo is { } info)
        {
            source = "VMCOREINFO";
            foreach (var name in new[] { "PG_lru", "PG_private", "PG_swapcache", "PG_swapbacked", "PG_slab", "PG_hwpoison", "PG_head", "PG_head_mask", "PG_reserved", "PG_buddy", "PG_tail", "PG_compound" })
                if (info.TryGetNumber(name, out var value) && value is >= 0 and < 64) bits[name] = (int)value;
        }
        return new PageFlags(bits, count, source);
    }
}
