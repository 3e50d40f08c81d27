namespace DumpScope.Host.Kernel;

/// <summary>
/// What the host learned while opening the kernel, as <see cref="IKernel.Features"/>: how kallsyms and the
/// types were found, the KASLR offset, the page tables, and whether the image carries ORC unwind tables.
/// </summary>
internal static class HostKernelFeatures
{
    private const string Host = "host";

    /// <summary>Records the host's features into <paramref name="kernel"/>.</summary>
    /// <param name="kernel">The opened kernel.</param>
    /// <param name="kallsyms">kallsyms' value (count and where from) and the evidence.</param>
    /// <param name="kaslrHow">How the KASLR offset was learned.</param>
    /// <param name="pageTablesHow">How the paging mode was learned.</param>
    public static void Record(DumpKernel kernel, (string Value, string How) kallsyms, string kaslrHow, string pageTablesHow)
    {
        var features = kernel.Features;
        features.Record(KernelFeatureNames.Kallsyms, kallsyms.Value, kallsyms.How, Host);
        if (kernel.Types is EmptyTypeCatalog none) features.Record(KernelFeatureNames.Types, "none", none.Source, Host);
        else features.Record(KernelFeatureNames.Types, kernel.Types.Source, TypesHow(kernel), Host);
        features.Record(KernelFeatureNames.Kaslr, $"{kernel.KaslrOffset:x}", kaslrHow, Host);
        features.Record(KernelFeatureNames.PageTables, kernel.AddressSpace.PagingDescription, pageTablesHow, Host);
        features.Record(KernelFeatureNames.Orc, OrcValue(kernel.Symbols, out var orcHow), orcHow, Host);
    }

    private static string TypesHow(DumpKernel kernel)
    {
        var symbols = kernel.Symbols;
        if (kernel.Types.Source.StartsWith("BTF in dump memory", StringComparison.Ordinal)
            && symbols.TryGetAddress("__start_BTF", out var start) && symbols.TryGetAddress("__stop_BTF", out var stop))
            return $"the kernel's own .BTF between __start_BTF ({start:x}) and __stop_BTF ({stop:x}), located by {SourceOf(symbols, "__start_BTF")}";
        return kernel.Types.Source.Contains("DWARF", StringComparison.OrdinalIgnoreCase) ? "the vmlinux's .debug_info (--vmlinux)" : "as given on the command line, or none found";
    }

    // ORC (CONFIG_UNWINDER_ORC): .orc_unwind_ip holds one s32 per entry, bounded by these linker symbols.
    private static string OrcValue(ISymbolTable symbols, out string how)
    {
        if (symbols.TryGetAddress("__start_orc_unwind_ip", out var start) && symbols.TryGetAddress("__stop_orc_unwind_ip", out var stop) && stop >= start)
        {
            how = $"__start_orc_unwind_ip {start:x} .. __stop_orc_unwind_ip {stop:x}" + (symbols.TryGetAddress("orc_lookup", out _) ? ", orc_lookup present" : "");
            return $"present: {(stop - start) / 4} entries";
        }
        how = "no __start_orc_unwind_ip/__stop_orc_unwind_ip symbols (frame-pointer or guess unwinder kernel, or symbols without them)";
        return "absent";
    }

    private static string SourceOf(ISymbolTable symbols, string name) =>
        symbols is Symbols.CompositeSymbolTable composite
            ? composite.Sources.FirstOrDefault(s => s.TryGetAddress(name, out _))?.Source ?? symbols.Source
            : symbols.Source;
}
