using DumpScope.Host.Types.Btf;
using DumpScope.Host.Types.Dwarf;
using DumpScope.Sdk.Linux.Modules;

namespace DumpScope.Host.Symbols;

/// <summary>
/// The session's <see cref="IModuleDebugInfo"/>: finds each loaded module's .ko / .ko.debug under a folder, relocates
/// its DWARF to the module's section addresses in the dump (<see cref="ModuleSections"/>), checks it against the
/// module's in-memory kallsyms (the functions of its .text must sit where the dump's symbols say), and hands
/// its line table to <see cref="KernelSourceLines"/>. A folder given with --modules is loaded on first use.
/// </summary>
internal sealed class ModuleDebugFiles : IModuleDebugInfo
{
    /// <summary>How many of a module's functions are compared with its kallsyms before its file is trusted.</summary>
    public const int FunctionsChecked = 8;

    private readonly IKernel _kernel;
    private readonly KernelSourceLines _lines;
    private readonly Dictionary<string, ModuleDebugLoad> _loaded = new(StringComparer.Ordinal);
    private readonly object _lock = new();
    private string? _pending;

    public ModuleDebugFiles(IKernel kernel, KernelSourceLines lines, string? directory)
    {
        _kernel = kernel;
        _lines = lines;
        _pending = directory;
        lines.BeforeModuleLookup = LoadPending;
    }

    /// <inheritdoc/>
    public string DefaultDirectory
    {
        get
        {
            var debug = $"/usr/lib/debug/lib/modules/{_kernel.Release}";
            return Directory.Exists(debug) ? debug : $"/lib/modules/{_kernel.Release}";
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<ModuleDebugLoad> Loaded
    {
        get
        {
            LoadPending();
            lock (_lock) return _loaded.Values.ToArray();
        }
    }

    /// <summary>Problems of the --modules folder load, for the session's notes (empty when none was given).</summary>
    public void LoadPending()
    {
        string? directory;
        lock (_lock)
        {
            directory = _pending;
            _pending = null;
        }
        if (directory is null) return;
        try
        {
            Load(directory);
        }
        catch (Exception e) when (e is DirectoryNotFoundException or IOException or UnauthorizedAccessException or TypeNotFoundException)
        {
            lock (_lock) _loaded["--modules"] = new ModuleDebugLoad("--modules", directory, false, e.Message);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<ModuleDebugLoad> Load(string directory, CancellationToken cancellation = default)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"module debug folder not found: {directory}");
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, MaxRecursionDepth = 16 };
        foreach (var file in Directory.EnumerateFiles(directory, "*.ko*", options))
        {
            var name = Path.GetFileName(file);
            string? module = name.EndsWith(".ko.debug", StringComparison.Ordinal) ? name[..^".ko.debug".Length]
                : name.EndsWith(".ko", StringComparison.Ordinal) ? name[..^".ko".Length] : null;
            // The kernel names a module with '_' where its file may have '-' (KBUILD_MODNAME).
            if (module is not null) files.TryAdd(module.Replace('-', '_'), file);
        }
        var walk = ModuleList.ForEachModule(_kernel, cancellation);
        var results = new List<ModuleDebugLoad>();
        foreach (var module in walk.Modules)
        {
            cancellation.ThrowIfCancellationRequested();
            var load = files.TryGetValue(module.Name, out var path)
                ? LoadOne(module, path)
                : new ModuleDebugLoad(module.Name, null, false, $"no {module.Name}.ko or {module.Name}.ko.debug under {directory}");
            results.Add(load);
            lock (_lock) _loaded[module.Name] = load;
        }
        return results;
    }

    private ModuleDebugLoad LoadOne(KernelModule module, string path)
    {
        IReadOnlyDictionary<string, ulong> sections;
        try
        {
            sections = ModuleSections.SectionAddresses(_kernel, module);
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e) || e is TypeNotFoundException)
        {
            return new ModuleDebugLoad(module.Name, path, false, $"its section addresses are unknown: {KernelDataErrors.Reason(e)}");
        }
        DwarfElfImage? image = null;
        try
        {
            image = DwarfElfImage.Open(path, sections);
            if (image.ElfType != 1) return Refuse(image, module, path, "not a relocatable object (ET_REL), so not a module file");
            if (!image.HasSection(".debug_line") || !image.HasSection(".debug_info"))
                return Refuse(image, module, path, "no .debug_info/.debug_line: a stripped module (the debug package's copy has them)");
            var (checkedCount, agreeing, disagreement) = CheckAgainstKallsyms(image, sections);
            if (checkedCount > 0 && agreeing < checkedCount)
                return Refuse(image, module, path, $"not the module in the dump: {disagreement}");
            var index = new DwarfLineIndex(new DwarfFile(image));
            var ranges = module.Regions.Where(r => r.Size > 0).Select(r => (r.Base, r.Base + r.Size)).ToArray();
            _lines.AddModule(new KernelSourceLines.ModuleLines(module.Name, image, index, ranges, path));
            string check = checkedCount == 0 ? "no function to compare with kallsyms" : $"{agreeing} of {checkedCount} functions at their kallsyms addresses";
            string types = AddTypes(module, image);
            return new ModuleDebugLoad(module.Name, path, true, $"{sections.Count} sections placed; {check}; {types}");
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException or UnauthorizedAccessException)
        {
            image?.Dispose();
            return new ModuleDebugLoad(module.Name, path, false, e.Message);
        }
    }

    // The module's own types join the kernel's catalog (after its own and the modules' BTF).
    private string AddTypes(KernelModule module, DwarfElfImage image)
    {
        var registry = _kernel.Types switch
        {
            BtfTypeCatalog btf => btf.ModuleDebugTypes,
            DwarfTypeCatalog dwarf => dwarf.ModuleDebugTypes,
            _ => null,
        };
        if (registry is null) return "types not added (the kernel's catalog takes none)";
        try
        {
            var catalog = DwarfTypeCatalog.FromImage(image);
            registry.Add(module.Name, catalog);
            return $"types: {catalog.Source}";
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            return $"types not added: {e.Message}";
        }
    }

    private static ModuleDebugLoad Refuse(DwarfElfImage image, KernelModule module, string path, string why)
    {
        image.Dispose();
        return new ModuleDebugLoad(module.Name, path, false, why);
    }

    // The file's functions (STT_FUNC, global or local) placed by the section addresses must be the dump's
    // kallsyms symbols of the same name: another build of the module would put them elsewhere.
    private (int Checked, int Agreeing, string? Disagreement) CheckAgainstKallsyms(DwarfElfImage image, IReadOnlyDictionary<string, ulong> sections)
    {
        int count = 0, agreeing = 0;
        string? disagreement = null;
        foreach (var (name, section, value, info) in image.Symbols())
        {
            if ((info & 0xf) != 2 || section is null || !sections.TryGetValue(section, out var sectionAddress)) continue;
            if (section.StartsWith(".init", StringComparison.Ordinal) || section.StartsWith(".exit", StringComparison.Ordinal)) continue;
            ulong at = sectionAddress + value;
            var there = _kernel.Symbols.Lookup(at);
            bool named = _kernel.Symbols.TryGetAddress(name, out var address);
            if (!named && there is not { Offset: 0 }) continue;
            count++;
            // By address first: a static function may share its name with one in vmlinux.
            if ((there is { Offset: 0 } m && m.Symbol.Name == name) || (named && address == at)) agreeing++;
            else disagreement ??= $"{name} would be at {at:x} but the dump has {(there is { } t ? t.ToString() : "no symbol")} there";
            if (count == FunctionsChecked) break;
        }
        return (count, agreeing, disagreement);
    }
}
