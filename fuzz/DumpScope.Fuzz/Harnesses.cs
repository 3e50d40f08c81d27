namespace DumpScope.Fuzz;

/// <summary>Every harness, by name.</summary>
public static class Harnesses
{
    /// <summary>All harnesses in a stable order.</summary>
    public static IReadOnlyList<FuzzHarness> All { get; } =
    [
        new("elf", "ELF vmcore: ELF header, program headers, notes, page reads (DumpOpener over bytes)", DumpHarness.Run),
        new("kdump", "kdump-compressed: disk_dump_header, sub-header, bitmaps, page_desc table, page reads", DumpHarness.Run),
        new("flat", "flattened (makedumpfile -F) record indexer and the image it describes", DumpHarness.RunFlattened),
        new("lzo", "LZO1X decompressor (Lzo1xDecompressor.Decompress into one 4 KiB page)", CodecHarness.Lzo),
        new("zlib", "zlib page codec (PageCodecs.Decompress)", CodecHarness.Zlib),
        new("snappy", "snappy page codec (PageCodecs.Decompress)", CodecHarness.Snappy),
        new("zstd", "zstd page codec (PageCodecs.Decompress)", CodecHarness.Zstd),
        new("vmcoreinfo", "VMCOREINFO text parser (VmcoreInfo.Parse) and its typed getters", VmcoreInfoHarness.Run),
        new("kallsyms", "kallsyms decoder (KallsymsReader.TryRead) over an image mapped as kernel memory", KallsymsHarness.Run),
        new("kallsyms-search", "kallsyms search of a kernel image without VMCOREINFO's table symbols (KallsymsSearch through KallsymsReader.TryRead)", KallsymsSearchHarness.Run),
        new("btf", "BTF parser (BtfTypeCatalog.FromBytes) plus type look-ups and formatting", BtfHarness.Run),
        new("orc", "ORC tables (OrcLayoutProbe, OrcTable look-ups and decoding) over an image mapped as kernel memory", OrcHarness.Run),
        new("expr", "expressions of p/struct/rd/eval (ExpressionLexer, ExpressionParser, ExpressionEvaluator over a synthetic kernel with the 6.1 BTF)", ExpressionHarness.Run),
        new("expr-eval", "expressions built from the input by a C grammar over real BTF names, evaluated (ExpressionEvaluator) and printed by p, p -a, eval, rd, struct and whatis over a synthetic kernel", ExpressionHarness.RunEvaluator),
        new("modkallsyms", "module kallsyms (ModuleKallsymsReader, ModuleSymbolTable) over an image mapped as module memory", ModuleKallsymsHarness.Run),
    ];

    /// <summary>The harness called <paramref name="name"/>, or null.</summary>
    public static FuzzHarness? Find(string name) =>
        All.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));
}
