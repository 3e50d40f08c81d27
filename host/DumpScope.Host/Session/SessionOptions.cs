using System.Reflection;

namespace DumpScope.Host.Session;

/// <summary>What a session opens and which plugins it loads; change one option with <c>options with { … }</c>.</summary>
public sealed record SessionOptions
{
    /// <summary>The dump file, or null for a session without a dump.</summary>
    public string? DumpPath { get; init; }

    /// <summary>A System.map to use beside (or instead of) kallsyms in the dump.</summary>
    public string? SystemMapPath { get; init; }

    /// <summary>A vmlinux (symbols; DWARF types when present).</summary>
    public string? VmlinuxPath { get; init; }

    /// <summary>A folder of module debug files (.ko with DWARF): their line tables, relocated to the dump (crash's mod -S).</summary>
    public string? ModulesPath { get; init; }

    /// <summary>A raw BTF file (e.g. a copy of /sys/kernel/btf/vmlinux).</summary>
    public string? BtfPath { get; init; }

    /// <summary>Which type source to use (<c>--types btf|dwarf</c>); see <see cref="TypeSourceKind"/>.</summary>
    public TypeSourceKind Types { get; init; }

    /// <summary>Accept a System.map/vmlinux that disagrees with the dump.</summary>
    public bool Force { get; init; }

    /// <summary>Read excluded pages as zeros instead of failing (crash's --zero_excluded).</summary>
    public bool ZeroExcluded { get; init; }

    /// <summary>The KASLR offset to use when the dump has no VMCOREINFO.</summary>
    public ulong? KaslrOffset { get; init; }

    /// <summary>The profile to load (plugins.json), or null for the default.</summary>
    public string? Profile { get; init; }

    /// <summary>An explicit plugin list (<c>--plugins a,b</c>), overriding the profile.</summary>
    public IReadOnlyList<string>? Plugins { get; init; }

    /// <summary>Extra plugin folders (<c>--plugin-dir</c>), searched before the built-in one.</summary>
    public IReadOnlyList<string> PluginDirectories { get; init; } = [];

    /// <summary>The plugins.json to use; default: the one beside the executable.</summary>
    public string? ManifestPath { get; init; }

    /// <summary>
    /// Search the default places: the folder beside the executable and the per-user plugins.json and plugin folder
    /// (off in tests that want isolation).
    /// </summary>
    public bool SearchDefaultPluginDirectory { get; init; } = true;

    /// <summary>
    /// The per-user folder whose plugins.json and plugins/ are searched with the default folder; null: the XDG
    /// one (<see cref="UserDirectories.Config"/>).
    /// </summary>
    public string? UserConfigDirectory { get; init; }

    /// <summary>Plugin assemblies already loaded in-process (tests).</summary>
    public IReadOnlyList<Assembly> InProcessPlugins { get; init; } = [];

    /// <summary>
    /// Register a plugin with a current index (<see cref="Plugins.PluginIndex"/>) from it and load its assembly when
    /// one of its commands or services is first needed (the default); false loads every plugin at open, as
    /// DUMPSCOPE_EAGER_PLUGINS=1 does.
    /// </summary>
    public bool LoadPluginsLazily { get; init; } = Environment.GetEnvironmentVariable("DUMPSCOPE_EAGER_PLUGINS") != "1";
}
