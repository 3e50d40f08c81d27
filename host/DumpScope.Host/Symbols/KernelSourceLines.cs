using DumpScope.Host.Types.Dwarf;

namespace DumpScope.Host.Symbols;

/// <summary>
/// The session's <see cref="ISourceLineResolver"/>: the vmlinux's .debug_line (the <c>--vmlinux</c> file, which
/// the kernel loader has already matched to the dump by build-id and symbols) for addresses in the kernel
/// image, KASLR removed; then the line tables of module debug files added with <see cref="AddModule"/>. The
/// vmlinux is mapped on the first question, not at open.
/// </summary>
internal sealed class KernelSourceLines : ISourceLineResolver, IDisposable
{
    private readonly IKernel _kernel;
    private readonly Lazy<(DwarfElfImage? Image, DwarfLineIndex? Index, string Source)> _vmlinux;
    private readonly List<ModuleLines> _modules = [];
    private readonly object _lock = new();
    private readonly ulong _textStart, _textEnd;

    /// <summary>A module's relocated line table and the ranges of memory it describes.</summary>
    internal sealed record ModuleLines(string Name, DwarfElfImage Image, DwarfLineIndex Index, IReadOnlyList<(ulong Start, ulong End)> Ranges, string Path);

    /// <summary>A resolver for <paramref name="kernel"/> with the vmlinux at <paramref name="vmlinuxPath"/> (null: modules only).</summary>
    public KernelSourceLines(IKernel kernel, string? vmlinuxPath)
    {
        _kernel = kernel;
        VmlinuxPath = vmlinuxPath;
        _textStart = kernel.Symbols.TryGetAddress("_text", out var text) ? text : kernel.Symbols.TryGetAddress("_stext", out var stext) ? stext : 0;
        _textEnd = kernel.Symbols.TryGetAddress("_end", out var end) ? end : kernel.Symbols.TryGetAddress("_etext", out var etext) ? etext : ulong.MaxValue;
        _vmlinux = new(OpenVmlinux, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Run before module line tables are consulted (loads a --modules folder on first need).</summary>
    public Action? BeforeModuleLookup { get; set; }

    /// <summary>The vmlinux given, or null.</summary>
    public string? VmlinuxPath { get; }

    /// <inheritdoc/>
    public bool IsAvailable => (VmlinuxPath is not null && _vmlinux.Value.Index is not null) || ModuleCount > 0;

    /// <summary>How many modules have line tables.</summary>
    public int ModuleCount
    {
        get
        {
            BeforeModuleLookup?.Invoke();
            lock (_lock) return _modules.Count;
        }
    }

    /// <summary>The modules with debug information, in the order added.</summary>
    public IReadOnlyList<ModuleLines> Modules
    {
        get
        {
            BeforeModuleLookup?.Invoke();
            lock (_lock) return _modules.ToArray();
        }
    }

    /// <inheritdoc/>
    public string Source
    {
        get
        {
            var parts = new List<string>();
            if (VmlinuxPath is null) parts.Add("no --vmlinux with DWARF was given (vmlinux lines unknown)");
            else parts.Add(_vmlinux.Value.Source);
            int modules = ModuleCount;
            if (modules > 0) parts.Add($"{modules} module{(modules == 1 ? "" : "s")} with DWARF");
            return string.Join("; ", parts);
        }
    }

    /// <inheritdoc/>
    public SourceLine? Resolve(ulong address)
    {
        if (address >= _textStart && address < _textEnd)
            return VmlinuxPath is null ? null : _vmlinux.Value.Index?.Find(address - _kernel.KaslrOffset);
        foreach (var module in Modules)
            foreach (var (start, end) in module.Ranges)
                if (address >= start && address < end)
                    return module.Index.Find(address);
        return null;
    }

    /// <summary>Adds (or replaces, by name) a module's line table, relocated to where the module sits in the dump.</summary>
    public void AddModule(ModuleLines module)
    {
        lock (_lock)
        {
            int i = _modules.FindIndex(m => m.Name == module.Name);
            if (i >= 0)
            {
                _modules[i].Image.Dispose();
                _modules[i] = module;
            }
            else _modules.Add(module);
        }
    }

    private (DwarfElfImage?, DwarfLineIndex?, string) OpenVmlinux()
    {
        if (VmlinuxPath is not { } path) return (null, null, "no --vmlinux");
        DwarfElfImage? image = null;
        try
        {
            image = DwarfElfImage.Open(path);
            if (!image.HasSection(".debug_line") || !image.HasSection(".debug_info"))
            {
                image.Dispose();
                return (null, null, $"{System.IO.Path.GetFileName(path)} has no .debug_line (not a vmlinux with DWARF)");
            }
            var index = new DwarfLineIndex(new DwarfFile(image));
            return (image, index, $".debug_line of {System.IO.Path.GetFileName(path)}");
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException)
        {
            image?.Dispose();
            return (null, null, $"{System.IO.Path.GetFileName(path)}: its line table cannot be read: {e.Message}");
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_vmlinux.IsValueCreated) _vmlinux.Value.Image?.Dispose();
        lock (_lock)
        {
            foreach (var module in _modules) module.Image.Dispose();
            _modules.Clear();
        }
    }
}
