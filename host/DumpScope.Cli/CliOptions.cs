using System.CommandLine;

namespace DumpScope.Cli;

/// <summary>The dumpscope command line, declared once.</summary>
internal sealed class CliOptions
{
    public Argument<string?> Dump { get; } = new("dump") { Arity = ArgumentArity.ZeroOrOne, Description = "the kernel dump (ELF vmcore, kdump-compressed, flattened, QEMU ELF)" };
    public Option<string[]> Commands { get; } = new("--command", "-c") { HelpName = "COMMAND", Description = "run a command (repeatable, in order)", AllowMultipleArgumentsPerToken = false };
    public Option<string?> Input { get; } = new("--input", "-i") { HelpName = "FILE", Description = "run the commands in FILE (one per line; # comments)" };
    public Option<bool> Json { get; } = new("--json") { Description = "the same as --format json" };
    public Option<string?> Format { get; } = new Option<string?>("--format") { Description = "output format: text (default), json (one document per command, one line each), jsonl (one object per row), csv (tables), html (one self-contained page with charts)" }.AcceptOnlyFromAmong([.. DumpScope.Host.Rendering.OutputFormats.Names]);
    public Option<string?> Html { get; } = new("--html") { HelpName = "FILE", Description = "also write the results as one self-contained HTML page (charts drawn) to FILE" };
    public Option<string?> Profile { get; } = new("--profile") { HelpName = "NAME", Description = "the plugin profile from plugins.json" };
    public Option<string?> Plugins { get; } = new("--plugins") { HelpName = "NAMES", Description = "comma-separated plugin names to load (overrides --profile)" };
    public Option<string[]> PluginDirs { get; } = new("--plugin-dir") { HelpName = "DIR", Description = "also load plugins from DIR/<Name>/<Name>.dll (repeatable)" };
    public Option<string?> Manifest { get; } = new("--plugins-config") { HelpName = "FILE", Description = "the plugins.json to use (default: beside the executable)" };
    public Option<string?> Vmlinux { get; } = new("--vmlinux") { HelpName = "FILE", Description = "a vmlinux with symbols (and DWARF)" };
    public Option<string?> Modules { get; } = new("--modules") { HelpName = "DIR", Description = "a folder of module debug files (.ko with DWARF) for module source lines (as mod -S DIR)" };
    public Option<string?> SystemMap { get; } = new("--system-map") { HelpName = "FILE", Description = "a System.map for the dumped kernel" };
    public Option<string?> Btf { get; } = new("--btf") { HelpName = "FILE", Description = "a raw BTF file (e.g. a copy of /sys/kernel/btf/vmlinux)" };
    public Option<string?> Types { get; } = new Option<string?>("--types") { Description = "type source: btf or dwarf (default: DWARF of a --vmlinux with debug info, else BTF)" }.AcceptOnlyFromAmong("btf", "dwarf");
    public Option<bool> Force { get; } = new("--force") { Description = "accept symbol files that disagree with the dump" };
    public Option<bool> ZeroExcluded { get; } = new("--zero-excluded") { Description = "read pages excluded from the dump as zeros" };
    public Option<string?> Kaslr { get; } = new("--kaslr") { HelpName = "OFFSET", Description = "KASLR offset (hex) for dumps without VMCOREINFO" };
    public Option<bool> Tui { get; } = new("--tui") { Description = "start the terminal UI" };
    public Option<bool> Repl { get; } = new("--repl") { Description = "start the line REPL instead of the terminal UI" };
    public Option<bool> Sample { get; } = new("--sample") { Description = "open the real kernel dump bundled with DumpScope (samples/dumps)" };

    public RootCommand CreateRoot()
    {
        var root = new RootCommand("DumpScope: a plugin-based Linux kernel crash-dump analyzer.\n" +
                                   "With -c/-i runs commands in order; otherwise the terminal UI (or --repl) on a terminal, or commands from standard input.\n" +
                                   "Also: dumpscope bench DUMP -c CMD... (timed), dumpscope completion bash|zsh, dumpscope man.\n" +
                                   "Exit codes: " + string.Join("; ", CommandLineModel.ExitCodes.Select(e => $"{e.Code} {e.Meaning}")) + ".")
        {
            Dump, Commands, Input, Json, Format, Html, Profile, Plugins, PluginDirs, Manifest, Vmlinux, Modules, SystemMap, Btf, Types, Force, ZeroExcluded, Kaslr, Tui, Repl, Sample,
        };
        return root;
    }
}
