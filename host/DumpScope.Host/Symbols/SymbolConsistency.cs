namespace DumpScope.Host.Symbols;

/// <summary>
/// Checks that a symbol file (System.map or vmlinux, already relocated) describes the dumped kernel: anchors
/// VMCOREINFO states (_stext, init_uts_ns, swapper_pg_dir…), init_task and _stext against kallsyms decoded
/// from the dump, and the bulk of the names both know.
/// </summary>
internal static class SymbolConsistency
{
    /// <summary>Share of common symbols allowed to differ (a few may: kallsyms drops or renames some).</summary>
    public const double MaxDifferingShare = 0.01;

    private static readonly string[] VmcoreInfoAnchors = ["_stext", "init_uts_ns", "swapper_pg_dir", "init_top_pgt", "prb", "node_online_map"];
    private static readonly string[] KallsymsAnchors = ["_stext", "init_task"];

    /// <summary>The differences found; empty when the file agrees with everything it could be compared to.</summary>
    /// <param name="candidate">The file's symbols, relocated.</param>
    /// <param name="kallsyms">Symbols decoded from the dump, when available.</param>
    /// <param name="vmcoreInfo">The dump's VMCOREINFO, when available.</param>
    /// <param name="kaslrOffset">The slide applied to the file (said in messages).</param>
    public static List<string> Compare(ISymbolTable candidate, ISymbolTable? kallsyms, VmcoreInfo? vmcoreInfo, ulong kaslrOffset)
    {
        var differences = new List<string>();
        string slide = kaslrOffset == 0 ? "" : $" (after adding KASLR offset {kaslrOffset:x})";
        if (vmcoreInfo is not null)
        {
            foreach (var name in VmcoreInfoAnchors)
            {
                if (!vmcoreInfo.TryGetSymbol(name, out var expected)) continue;
                if (!candidate.TryGetAddress(name, out var actual))
                {
                    if (name == "_stext") differences.Add("it has no _stext");
                    continue;
                }
                if (actual != expected) differences.Add($"{name} is {actual:x}{slide} but VMCOREINFO says {expected:x}");
            }
        }
        if (kallsyms is not null)
        {
            foreach (var name in KallsymsAnchors)
            {
                if (!kallsyms.TryGetAddress(name, out var expected)) continue;
                if (!candidate.TryGetAddress(name, out var actual)) differences.Add($"it has no {name}");
                else if (actual != expected && !differences.Any(d => d.StartsWith(name + " ", StringComparison.Ordinal)))
                    differences.Add($"{name} is {actual:x}{slide} but the dump's kallsyms says {expected:x}");
            }
            CompareBulk(candidate, kallsyms, slide, differences);
        }
        return differences;
    }

    private static void CompareBulk(ISymbolTable candidate, ISymbolTable kallsyms, string slide, List<string> differences)
    {
        // Names that occur once in the dump's table (static functions repeat), compared by exact name.
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var symbol in kallsyms.All) counts[symbol.Name] = counts.GetValueOrDefault(symbol.Name) + 1;
        int common = 0, differing = 0;
        string? example = null;
        foreach (var symbol in kallsyms.All)
        {
            if (counts[symbol.Name] != 1 || !candidate.TryGetAddress(symbol.Name, out var actual)) continue;
            common++;
            if (actual == symbol.Address) continue;
            differing++;
            example ??= $"{symbol.Name}: {actual:x} vs {symbol.Address:x}";
        }
        if (common == 0)
            differences.Add("it shares no symbol names with the dump's kallsyms");
        else if (differing > common * MaxDifferingShare)
            differences.Add($"{differing} of {common} symbols it shares with the dump's kallsyms are at other addresses{slide}, e.g. {example}");
    }
}
