namespace DumpScope.Sdk.Symbols;

/// <summary>What loading one module's debug file gave.</summary>
/// <param name="Module">The module's name.</param>
/// <param name="File">The debug file found for it, or null when none was.</param>
/// <param name="Loaded">True when its line table is now used (relocated to the module's place in the dump).</param>
/// <param name="Detail">What was loaded ("12 sections relocated, 3 of 3 functions at their kallsyms addresses") or why not.</param>
public sealed record ModuleDebugLoad(string Module, string? File, bool Loaded, string Detail);

/// <summary>
/// Module debug information from files (crash's <c>mod -S</c>, the <c>--modules DIR</c> option): each loaded
/// module's .ko or .ko.debug found under a folder, its DWARF relocated to where the module's sections sit in the
/// dump (<c>mod->sect_attrs</c>), so that <see cref="ISourceLineResolver"/> answers for module code. The host
/// implements it; plugins never open files themselves.
/// </summary>
public interface IModuleDebugInfo
{
    /// <summary>The folder searched by default: the debug package's (/usr/lib/debug/lib/modules/RELEASE), else /lib/modules/RELEASE.</summary>
    string DefaultDirectory { get; }

    /// <summary>
    /// Finds the debug file of every loaded module under <paramref name="directory"/> (recursively; NAME.ko,
    /// NAME.ko.debug, '-' and '_' alike) and loads it; one entry per loaded module, in module-list order.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    IReadOnlyList<ModuleDebugLoad> Load(string directory, CancellationToken cancellation = default);

    /// <summary>What has been loaded so far (by earlier calls or --modules), by module name.</summary>
    IReadOnlyList<ModuleDebugLoad> Loaded { get; }
}
