namespace DumpScope.Host.Symbols;

/// <summary>
/// The VMCOREINFO symbols that kallsyms also names, used to confirm an address table: a kernel-image value
/// (SYMBOL(_stext), SYMBOL(init_uts_ns), …) is the symbol's address; any other value (SYMBOL(mem_section) of
/// SPARSEMEM_EXTREME kernels is the pointer's content, a direct-map address) must be what the symbol holds.
/// </summary>
internal sealed class KallsymsAnchors
{
    private const ulong KernelImageStart = 0xffffffff80000000UL;
    private const int MaxNamed = 5;

    private readonly List<(string Name, ulong Value, int[] Indices)> _anchors;

    private KallsymsAnchors(List<(string Name, ulong Value, int[] Indices)> anchors) => _anchors = anchors;

    /// <summary>How many anchors there are.</summary>
    public int Count => _anchors.Count;

    /// <summary>The anchors: VMCOREINFO symbols that occur in <paramref name="symbols"/> (addresses not needed yet).</summary>
    public static KallsymsAnchors From(VmcoreInfo info, KernelSymbol[] symbols)
    {
        var wanted = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var (name, value) in KallsymsReader.Symbols(info)) wanted[name] = value;
        var indices = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < symbols.Length; i++)
        {
            if (!wanted.ContainsKey(symbols[i].Name)) continue;
            if (!indices.TryGetValue(symbols[i].Name, out var list)) indices[symbols[i].Name] = list = [];
            list.Add(i);
        }
        // _stext first: it is in every VMCOREINFO and every kallsyms, text symbols being there without KALLSYMS_ALL.
        var anchors = indices.Select(pair => (pair.Key, wanted[pair.Key], pair.Value.ToArray()))
            .OrderBy(a => a.Key == "_stext" ? 0 : 1).ThenBy(a => a.Key, StringComparer.Ordinal).ToList();
        return new KallsymsAnchors(anchors);
    }

    /// <summary>The outcome of checking one address table.</summary>
    /// <param name="Confirmed">At least one anchor agrees and none disagrees.</param>
    /// <param name="Summary">Which agreed, or the first that disagreed.</param>
    public readonly record struct Outcome(bool Confirmed, string Summary);

    /// <summary>Checks the anchors with <paramref name="addressOf"/> (symbol index → address, null when unreadable).</summary>
    public Outcome Check(IKernelMemory memory, Func<int, ulong?> addressOf)
    {
        var agreed = new List<string>();
        foreach (var (name, value, indices) in _anchors)
        {
            // A value outside the kernel image may be the pointer's content (mem_section) rather than its address.
            bool mayBePointer = value < KernelImageStart;
            ulong? first = null;
            string? agreement = null;
            bool pointerUnreadable = false;
            foreach (var index in indices)
            {
                if (addressOf(index) is not { } address) continue;
                first ??= address;
                if (address == value) { agreement = name; break; }
                if (!mayBePointer) continue;
                if (!memory.TryReadU64(address, out var held, out _)) pointerUnreadable = true;
                else if (held == value) { agreement = $"{name} (the pointer it holds)"; break; }
            }
            if (agreement is not null) { agreed.Add(agreement); continue; }
            if (first is null || pointerUnreadable) continue; // unreadable: neither for nor against
            return new Outcome(false, mayBePointer
                ? $"{name} comes out at {first:x}, which is neither VMCOREINFO's {value:x} nor holds it"
                : $"{name} comes out at {first:x}, VMCOREINFO says {value:x}");
        }
        return agreed.Count == 0
            ? new Outcome(false, "no VMCOREINFO symbol could be checked")
            : new Outcome(true, $"confirmed by {agreed.Count} VMCOREINFO symbols ({string.Join(", ", agreed.Take(MaxNamed))}{(agreed.Count > MaxNamed ? ", …" : "")})");
    }
}
