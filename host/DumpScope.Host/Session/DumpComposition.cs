using DumpScope.Host.Dumps;
using DumpScope.Host.Kernel;
using DumpScope.Host.Types.Btf;
using DumpScope.Host.Types.Dwarf;
using DumpScope.Host.Types.Globals;
using Microsoft.Extensions.DependencyInjection;

namespace DumpScope.Host.Session;

/// <summary>Opens the dump and its kernel (memory, symbols, types) and registers them as session services.</summary>
internal static class DumpComposition
{
    /// <summary>
    /// Registers <see cref="IDumpSource"/> and, when the kernel can be read, <see cref="IKernel"/> and its
    /// runtime-size registry. A dump whose kernel cannot be read still opens (dumpinfo works); the reason is
    /// returned and commands that need the kernel report it.
    /// </summary>
    public static string? Compose(SessionOptions options, IServiceCollection services, List<string> notes, List<IDisposable> owned)
    {
        var path = options.DumpPath!;
        if (!File.Exists(path)) throw new UsageException($"dump not found: {path}");
        var dump = DumpOpener.Open(path);
        owned.Add(dump);
        services.AddSingleton(dump);
        if (dump.Truncation is { } truncation) notes.Add(truncation.Message);
        foreach (var name in new[] { options.SystemMapPath, options.VmlinuxPath, options.BtfPath })
            if (name is not null && !File.Exists(name)) throw new UsageException($"file not found: {name}");
        bool dwarf = WantsDwarf(options);
        // names the debug package a kernel without BTF needs
        string release = dump.VmcoreInfo?.OsRelease ?? "RELEASE";

        DumpKernel kernel;
        try
        {
            kernel = KernelLoader.Open(dump, new KernelOpenOptions
            {
                SystemMapPath = options.SystemMapPath,
                VmlinuxPath = options.VmlinuxPath,
                Force = options.Force,
                KaslrOffset = options.KaslrOffset,
                ZeroFillExcluded = options.ZeroExcluded,
                TypeCatalogFactory = (memory, symbols) => dwarf ? LoadDwarf(options, memory, symbols, notes, owned, release) : LoadTypes(options, memory, symbols, notes, release),
            });
        }
        catch (Exception e) when (e is NotSupportedException or InvalidDataException or MemoryFaultException or TypeNotFoundException)
        {
            var reason = e is MemoryFaultException m ? m.Fault.Message : e.Message;
            // The truncation note above already says why; do not say it twice.
            if (dump.Truncation is { } t && reason.StartsWith(t.Message, StringComparison.Ordinal)) reason = "its symbol table (kallsyms) is among the missing pages";
            notes.Add($"the kernel could not be read from {path}: {reason}");
            return reason;
        }
        notes.AddRange(kernel.FactNotes);
        services.AddSingleton<IKernel>(kernel);
        services.AddSingleton(kernel.RuntimeSizes);
        // Source lines from the --vmlinux's .debug_line (mapped on first use) and from module debug files.
        var lines = new Symbols.KernelSourceLines(kernel, options.VmlinuxPath);
        owned.Add(lines);
        services.AddSingleton(lines);
        services.AddSingleton<ISourceLineResolver>(lines);
        if (options.ModulesPath is { } modules && !Directory.Exists(modules)) throw new UsageException($"--modules: folder not found: {modules}");
        services.AddSingleton<IModuleDebugInfo>(new Symbols.ModuleDebugFiles(kernel, lines, options.ModulesPath));
        return null;
    }

    /// <summary>
    /// DWARF is used when asked for (--types dwarf: the vmlinux must have .debug_info) or, by default, when the
    /// vmlinux has it and no --btf file was named. Decided before the kernel is opened, so a usage error
    /// comes first; the index itself is built after the vmlinux passed the build-id and symbol checks.
    /// </summary>
    private static bool WantsDwarf(SessionOptions options)
    {
        if (options.Types == TypeSourceKind.Btf || (options.Types == TypeSourceKind.Auto && options.BtfPath is not null)) return false;
        if (options.VmlinuxPath is not { } vmlinux)
            return options.Types == TypeSourceKind.Dwarf ? throw new UsageException("--types dwarf needs --vmlinux FILE (a vmlinux with DWARF debug information)") : false;
        bool hasDwarf;
        try
        {
            hasDwarf = DwarfTypeCatalog.HasDebugInfo(vmlinux);
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            // By default a vmlinux that is not a usable ELF file is the symbol loader's to report, as before.
            if (options.Types != TypeSourceKind.Dwarf) return false;
            throw new UsageException($"--vmlinux {vmlinux}: {e.Message}");
        }
        if (!hasDwarf && options.Types == TypeSourceKind.Dwarf)
            throw new UsageException($"--types dwarf: {vmlinux} has no DWARF debug information (.debug_info); use a vmlinux from the kernel's debug package");
        return hasDwarf;
    }

    /// <summary>
    /// DWARF types of the vmlinux (closed with the session). When DWARF was only the default and cannot be
    /// read, the BTF sources are tried instead, with a note.
    /// </summary>
    private static ITypeCatalog? LoadDwarf(SessionOptions options, IKernelMemory memory, ISymbolTable symbols, List<string> notes, List<IDisposable> owned, string release)
    {
        try
        {
            var catalog = DwarfTypeCatalog.Open(options.VmlinuxPath!);
            owned.Add(catalog);
            notes.Add($"types: {catalog.Source}; index {catalog.IndexOrigin}");
            return catalog;
        }
        catch (Exception e) when (options.Types == TypeSourceKind.Auto && e is InvalidDataException or NotSupportedException)
        {
            notes.Add($"types: the DWARF of {options.VmlinuxPath} could not be read ({e.Message}); using BTF");
            return LoadTypes(options, memory, symbols, notes, release);
        }
    }

    /// <summary>BTF describes only per-cpu variables: the host's declared globals answer for the rest.</summary>
    private static BtfTypeCatalog WithDeclaredGlobals(BtfTypeCatalog catalog, ISymbolTable symbols)
    {
        catalog.DeclaredGlobals = new DeclaredGlobals(catalog, symbols);
        return catalog;
    }

    /// <summary>
    /// Types, in order of preference: a BTF file the user named (--btf), else the kernel's own BTF in the dump
    /// (between __start_BTF and __stop_BTF). A failure of the dump's BTF is a note, not fatal: commands
    /// that need types say so.
    /// </summary>
    private static ITypeCatalog? LoadTypes(SessionOptions options, IKernelMemory memory, ISymbolTable symbols, List<string> notes, string release)
    {
        if (options.BtfPath is { } file) return WithDeclaredGlobals(BtfTypeCatalog.FromFile(file), symbols);
        if (symbols.TryGetAddress("__start_BTF", out var start) && symbols.TryGetAddress("__stop_BTF", out var stop))
        {
            try
            {
                return WithDeclaredGlobals(BtfTypeCatalog.FromMemory(memory, start, stop), symbols);
            }
            catch (Exception e) when (e is InvalidDataException or MemoryFaultException)
            {
                notes.Add($"types: the dump's own BTF could not be read ({e.Message}); give --btf FILE");
                return null;
            }
        }
        // Kernels built without CONFIG_DEBUG_INFO_BTF (Ubuntu's 4.15): kallsyms and the
        // log work from the dump alone (VMCOREINFO carries the printk offsets); everything typed needs a file.
        string supply = $"--vmlinux FILE with the kernel's DWARF (Debian linux-image-{release}-dbg, Ubuntu linux-image-unsigned-{release}-dbgsym) or --btf FILE";
        notes.Add($"types: the kernel has no BTF (built without CONFIG_DEBUG_INFO_BTF: no __start_BTF/__stop_BTF); symbols, log and dumpinfo work from the dump, typed commands need {supply}");
        return new EmptyTypeCatalog($"no types (the kernel has no BTF; {supply} supplies them)");
    }
}
