namespace DumpScope.Host.Types;

/// <summary>
/// The types of the modules whose debug files were loaded (<c>mod -S</c>, <c>--modules</c>): each module's DWARF as a
/// catalog, consulted by the kernel's own catalog after its types (and, for BTF, the modules' split BTF in memory), so
/// <c>struct</c>, <c>p</c> and the helpers know a module's own types even when the dump has no module BTF or the
/// session's types come from a vmlinux's DWARF, which describes no module. Thread-safe; a module loaded again replaces
/// its catalog.
/// </summary>
public sealed class ModuleDebugTypes
{
    private volatile (string Module, ITypeCatalog Catalog)[] _catalogs = [];
    private readonly Lock _gate = new();

    /// <summary>The modules with types here, in load order.</summary>
    public IReadOnlyList<string> Modules => _catalogs.Select(c => c.Module).ToArray();

    /// <summary>Adds (or replaces) a module's catalog.</summary>
    public void Add(string module, ITypeCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        lock (_gate) _catalogs = [.. _catalogs.Where(c => c.Module != module), (module, catalog)];
    }

    /// <summary>The type from the first module that defines it (a complete struct before a declaration), or null.</summary>
    public KernelType? FindType(string name)
    {
        KernelType? declaration = null;
        foreach (var (_, catalog) in _catalogs)
        {
            if (catalog.FindType(name) is not { } found) continue;
            // Modules declare the kernel's structs they only point to; the one that defines it answers.
            if (found.Resolve() is { IsAggregate: true, Size: 0, Members.Count: 0 }) declaration ??= found;
            else return found;
        }
        return declaration;
    }

    /// <summary>The type of a module global variable, or null.</summary>
    public KernelType? FindVariableType(string name)
    {
        foreach (var (_, catalog) in _catalogs)
            if (catalog.FindVariableType(name) is { } found) return found;
        return null;
    }

    /// <summary>Every type name the modules define.</summary>
    public IEnumerable<string> TypeNames => _catalogs.SelectMany(c => c.Catalog.TypeNames);
}
