using System.Collections.Concurrent;
using System.Diagnostics;
using DumpScope.Host.Symbols;

namespace DumpScope.Host.Types.Dwarf;

/// <summary>
/// Kernel types and global variables from the DWARF debug information of an ELF file (a vmlinux with
/// debuginfo; DWARF 2–5). The file is memory-mapped read-only; opening it builds a compact name index in one
/// parallel pass over the units without materialising DIE trees, or reads the index back from a cache keyed
/// by the build-id (<see cref="DwarfOpenOptions"/>). Types are decoded from their DIE when first asked for
/// and kept. Thread-safe. Dispose it to unmap the file; types already decoded stay usable, new decoding then
/// throws <see cref="ObjectDisposedException"/>.
/// </summary>
/// <remarks>
/// Names follow <see cref="ITypeCatalog"/>: "struct X", "union X", "enum X" look in the tag name spaces; a
/// bare name finds a typedef or base type first, then a struct, union or enum; integer base types answer to
/// any C spelling. Only unit-level types and variables are indexed (C has no nested scopes for them). Each
/// compilation unit repeats the types it uses: the index keeps the first complete definition of each name
/// (in .debug_info order), and a declaration met anywhere (a pointer's target declared as "struct mm_struct;")
/// resolves to that definition. A variable's type comes from its definition (the DIE with a static address;
/// a definition that only completes an earlier declaration takes the declaration's name and type); when no
/// unit defines it, from a declaration. Not supported: split DWARF (.dwo), supplementary files (dwz),
/// compressed sections, the DWARF 4 .debug_types section.
/// </remarks>
public sealed class DwarfTypeCatalog : ITypeCatalog, IDisposable
{
    private readonly ConcurrentDictionary<long, KernelType> _types = new();
    private readonly Lazy<Dictionary<string, DwarfVariable>> _variablesByName;

    private DwarfTypeCatalog(DwarfFile file, DwarfNameIndex index, string indexOrigin)
    {
        File = file;
        Index = index;
        IndexOrigin = indexOrigin;
        Reader = new DwarfTypeReader(this, file);
        Source = $"DWARF in {Path.GetFileName(file.Path)} ({file.Units.Length} units, {index.Count} names)";
        _variablesByName = new(() =>
        {
            // The name's definition wins: a global before a file-static variable of the same name.
            var map = new Dictionary<string, DwarfVariable>(StringComparer.Ordinal);
            foreach (var v in index.Variables)
                if (!map.TryGetValue(v.Name, out var existing) || (!existing.IsExternal && v.IsExternal)) map[v.Name] = v;
            return map;
        });
    }

    /// <inheritdoc/>
    public string Source { get; }

    /// <summary>The file read.</summary>
    public string FilePath => File.Path;

    /// <summary>The file's GNU build-id (lower-case hex), or null.</summary>
    public string? BuildId => File.Image.BuildId;

    /// <summary>How the index was obtained ("built in 1.23 s (2 threads); cached in …", "read from cache …").</summary>
    public string IndexOrigin { get; }

    /// <summary>Number of units in .debug_info.</summary>
    public int UnitCount => File.Units.Length;

    /// <summary>Every variable with a static address (static variables may repeat a name).</summary>
    public IReadOnlyList<DwarfVariable> Variables => Index.Variables;

    internal DwarfFile File { get; }

    internal DwarfNameIndex Index { get; }

    internal DwarfTypeReader Reader { get; }

    /// <summary>True when the ELF file at <paramref name="path"/> carries a .debug_info section (reads only its headers).</summary>
    /// <exception cref="InvalidDataException">Not an ELF file.</exception>
    public static bool HasDebugInfo(string path)
    {
        using var image = DwarfElfImage.Open(path);
        return image.HasSection(".debug_info");
    }

    /// <summary>Opens and indexes (or reads the cached index of) an ELF file with DWARF.</summary>
    /// <exception cref="InvalidDataException">Malformed ELF or DWARF; the message names file, section and offset.</exception>
    /// <exception cref="NotSupportedException">No .debug_info, a big-endian or 32-bit ELF, compressed sections.</exception>
    public static DwarfTypeCatalog Open(string path, DwarfOpenOptions? options = null)
    {
        options ??= DwarfOpenOptions.Default;
        var image = DwarfElfImage.Open(path);
        try
        {
            if (!image.HasSection(".debug_info"))
                throw new NotSupportedException($"{path}: the file has no .debug_info section (no DWARF debug information)");
            string? cachePath = null;
            DwarfIndexCache.Key key = default;
            string origin;
            if (options.UseCache && image.BuildId is { } buildId)
            {
                var info = image.GetSection(".debug_info");
                var stamp = new FileInfo(path);
                key = new DwarfIndexCache.Key(buildId, stamp.Length, stamp.LastWriteTimeUtc.Ticks, info.FileOffset, info.Length);
                cachePath = DwarfIndexCache.PathFor(options.CacheDirectory ?? DwarfIndexCache.DefaultDirectory, buildId);
                if (DwarfIndexCache.TryRead(cachePath, key, out var problem) is { } cached)
                    return new DwarfTypeCatalog(new DwarfFile(image, cached.Units), cached.Index, $"read from cache {cachePath}");
                origin = problem;
            }
            else origin = options.UseCache ? "no build-id, so no cache" : "cache off";

            var file = new DwarfFile(image);
            int threads = options.Parallelism > 0 ? options.Parallelism : Environment.ProcessorCount;
            var clock = Stopwatch.StartNew();
            var index = DwarfIndexBuilder.Build(file, threads);
            origin = $"built in {clock.Elapsed.TotalSeconds:0.00} s ({threads} threads; {origin})";
            if (cachePath is not null)
            {
                try
                {
                    DwarfIndexCache.Write(cachePath, key, file.Units, index);
                    origin += $"; cached in {cachePath}";
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    origin += $"; not cached ({e.Message})";
                }
            }
            return new DwarfTypeCatalog(file, index, origin);
        }
        catch
        {
            image.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public KernelType? FindType(string name)
    {
        var text = Normalize(name);
        if (text.Length == 0) return null;
        if (Tagged(text, "struct ", DwarfNameSpace.Struct, out var tagged) || Tagged(text, "class ", DwarfNameSpace.Struct, out tagged)
            || Tagged(text, "union ", DwarfNameSpace.Union, out tagged) || Tagged(text, "enum ", DwarfNameSpace.Enum, out tagged))
            return tagged ?? ModuleDebugTypes.FindType(text);
        foreach (var space in (ReadOnlySpan<DwarfNameSpace>)[DwarfNameSpace.Ordinary, DwarfNameSpace.Struct, DwarfNameSpace.Union, DwarfNameSpace.Enum])
        {
            long offset = Index.Find(space, text);
            if (offset >= 0) return Get(offset);
        }
        return Index.BaseTypeName(text) is { } spelled ? Get(Index.Find(DwarfNameSpace.Ordinary, spelled)) : ModuleDebugTypes.FindType(text);
    }

    /// <summary>Types from the modules' debug files (<c>mod -S</c>), looked up after this file's (a vmlinux describes no module).</summary>
    public ModuleDebugTypes ModuleDebugTypes { get; } = new();

    /// <summary>
    /// A catalog over an ELF image already open (a module's debug file, its sections placed where the module is), its
    /// names indexed now (module files are small: no cache). The image stays open with the catalog's users.
    /// </summary>
    internal static DwarfTypeCatalog FromImage(DwarfElfImage image)
    {
        var file = new DwarfFile(image);
        var clock = Stopwatch.StartNew();
        var index = DwarfIndexBuilder.Build(file, 1);
        return new DwarfTypeCatalog(file, index, $"built in {clock.Elapsed.TotalSeconds:0.00} s (a module file: not cached)");
    }

    /// <summary>
    /// The declared type of a global variable: from the unit that defines it (with its address), else from a
    /// declaration; null when no unit mentions it.
    /// </summary>
    public KernelType? FindVariableType(string name)
    {
        long offset = Index.Find(DwarfNameSpace.Variable, name.Trim());
        if (offset < 0) return ModuleDebugTypes.FindVariableType(name);
        using var lease = File.Image.Acquire();
        var die = File.ReadDie(offset);
        for (int hops = 0; !die.Has(DwarfAttribute.Type); hops++)
        {
            if (hops > 4 || !(die.TryGet(DwarfAttribute.Specification, out var link) || die.TryGet(DwarfAttribute.AbstractOrigin, out link)))
                throw File.Info.Error(offset, $"variable '{name}' ({die.Describe()}) has no DW_AT_type");
            die = File.ReadDie(Reader.Reference(die, link), die.Offset);
        }
        return Get(Reader.TypeOffset(die), die.Offset);
    }

    /// <summary>A variable with a static address by name (the global one when static ones share the name).</summary>
    public bool TryGetVariable(string name, out DwarfVariable variable) => _variablesByName.Value.TryGetValue(name, out variable!);

    /// <summary>
    /// The variables as a symbol table ('D' globals, 'd' statics), relocated by <paramref name="kaslrOffset"/>
    /// as vmlinux symbols are (kernel-image addresses move, per-cpu offsets do not).
    /// </summary>
    public ISymbolTable VariableSymbols(ulong kaslrOffset) =>
        new SymbolTable($"DWARF variables of {Path.GetFileName(File.Path)}",
            Index.Variables.Select(v => new KernelSymbol(v.Name, SymbolRelocation.Relocate(v.LinkAddress, kaslrOffset), v.IsExternal ? 'D' : 'd')));

    /// <inheritdoc/>
    public IEnumerable<string> TypeNames
    {
        get
        {
            foreach (var n in Index.NamesIn(DwarfNameSpace.Ordinary)) yield return n;
            foreach (var n in Index.NamesIn(DwarfNameSpace.Struct)) yield return "struct " + n;
            foreach (var n in Index.NamesIn(DwarfNameSpace.Union)) yield return "union " + n;
            foreach (var n in Index.NamesIn(DwarfNameSpace.Enum)) yield return "enum " + n;
        }
    }

    /// <summary>The type whose DIE is at a .debug_info offset (as llvm-dwarfdump prints them).</summary>
    public KernelType TypeAt(long dieOffset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dieOffset);
        return Get(dieOffset);
    }

    /// <summary>The type at a DIE offset (-1 is void), made once.</summary>
    internal KernelType Get(long offset, long referencedFrom = -1)
    {
        if (offset < 0) return VoidType.Instance;
        if (_types.TryGetValue(offset, out var known)) return known;
        using var lease = File.Image.Acquire();
        var made = Reader.Create(offset, referencedFrom);
        return _types.GetOrAdd(offset, made);
    }

    /// <inheritdoc/>
    public void Dispose() => File.Image.Dispose();

    private bool Tagged(string text, string prefix, DwarfNameSpace space, out KernelType? type)
    {
        type = null;
        if (!text.StartsWith(prefix, StringComparison.Ordinal)) return false;
        long offset = Index.Find(space, text[prefix.Length..].Trim());
        type = offset < 0 ? null : Get(offset);
        return true;
    }

    private static string Normalize(string name)
    {
        var text = name.Trim();
        if (!text.Contains("  ", StringComparison.Ordinal) && !text.Contains('\t')) return text;
        return string.Join(' ', text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
    }
}
