using System.CommandLine;
using DumpScope.Host.Session;

namespace DumpScope.Cli;

/// <summary>
/// What the man page and the shell completions are generated from: the System.CommandLine options of
/// <see cref="CliOptions"/>, the verbs before them (bench, completion, man) and the commands of the plugins a
/// session without a dump loads (so plugins in the user's folder show up too).
/// </summary>
internal sealed class CommandLineModel
{
    /// <summary>The words a value of an option completes to.</summary>
    public enum ValueKind { None, File, Directory, Words }

    /// <summary>One option: its names (long first), help, and what its value is.</summary>
    public sealed record OptionInfo(IReadOnlyList<string> Names, string Help, string? ValueName, ValueKind Kind, IReadOnlyList<string> Words, bool Repeatable);

    /// <summary>One command of the session: invocation ("kmem -s"), verb, help and usage line, plugin.</summary>
    public sealed record CommandInfo(string Invocation, string Verb, string Help, string Usage, string Plugin);

    /// <summary>The verbs that may come first: name and what they do.</summary>
    public static readonly IReadOnlyList<(string Name, string Help)> Verbs =
    [
        ("batch", "triage many dumps in parallel into the results database: dumpscope batch PATH... [--db FILE|CONN]"),
        ("bench", "run the commands timed: dumpscope bench DUMP -c CMD..."),
        ("completion", "print a shell completion script: dumpscope completion bash|zsh"),
        ("fleet", "crash signatures across the triaged dumps: dumpscope fleet [show SIGNATURE] [--json] [--html FILE]"),
        ("man", "print the dumpscope(1) man page (roff)"),
        ("submit", "enqueue triage jobs for the workers: dumpscope submit PATH... --db CONN"),
        ("worker", "triage submitted dumps into the shared PostgreSQL: dumpscope worker --db CONN [--workers N]"),
    ];

    /// <summary>Exit codes, as documented in --help, the man page and the README.</summary>
    public static readonly IReadOnlyList<(int Code, string Meaning)> ExitCodes =
    [
        (Program.Ok, "every command succeeded"),
        (Program.Failed, "a command failed, or the dump could not be opened"),
        (Program.Usage, "usage error (unknown option, missing file, bad value)"),
    ];

    public required string Description { get; init; }
    public required IReadOnlyList<OptionInfo> Options { get; init; }
    public required IReadOnlyList<CommandInfo> Commands { get; init; }
    public required IReadOnlyList<string> Profiles { get; init; }
    public required IReadOnlyList<string> Plugins { get; init; }

    /// <summary>Builds the model from the option declarations and a session (its commands, profiles and plugins).</summary>
    public static CommandLineModel From(CliOptions cli, DumpScopeSession session)
    {
        var root = cli.CreateRoot();
        var profiles = session.Manifest.Profiles.Keys.Order(StringComparer.Ordinal).ToArray();
        var plugins = session.AvailablePlugins.Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        var commands = session.Registry.All.Select(c => new CommandInfo(c.Invocation, c.Attribute.Name, c.Attribute.Help, c.Usage, c.Plugin)).ToArray();
        var verbs = commands.Select(c => c.Verb).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var options = root.Options.Select(o => Describe(o, cli, profiles, plugins, verbs)).ToArray();
        return new CommandLineModel { Description = root.Description ?? "", Options = options, Commands = commands, Profiles = profiles, Plugins = plugins };
    }

    private static OptionInfo Describe(Option option, CliOptions cli, IReadOnlyList<string> profiles, IReadOnlyList<string> plugins, IReadOnlyList<string> verbs)
    {
        // Not the DOS-style aliases System.CommandLine adds to --help (/?, /h, -?): a '?' is a glob in a shell pattern.
        var names = option.Aliases.Prepend(option.Name).Where(n => n.StartsWith('-') && !n.Contains('?')).Distinct(StringComparer.Ordinal).OrderByDescending(n => n.StartsWith("--", StringComparison.Ordinal)).ThenBy(n => n, StringComparer.Ordinal).ToArray();
        bool flag = option.ValueType == typeof(bool) || option.Arity.MaximumNumberOfValues == 0;
        var kind = flag ? ValueKind.None
            : option == cli.PluginDirs ? ValueKind.Directory
            : option == cli.Commands || option == cli.Profile || option == cli.Plugins || option == cli.Format || option == cli.Types ? ValueKind.Words
            : option == cli.Kaslr ? ValueKind.None
            : ValueKind.File;
        IReadOnlyList<string> words = option == cli.Commands ? verbs
            : option == cli.Profile ? profiles
            : option == cli.Plugins ? plugins
            : option == cli.Format ? DumpScope.Host.Rendering.OutputFormats.Names.ToArray()
            : option == cli.Types ? ["btf", "dwarf"]
            : [];
        string? valueName = flag ? null : option.HelpName ?? option.Name.TrimStart('-').ToUpperInvariant();
        bool repeatable = option.ValueType.IsArray;
        return new OptionInfo(names, option.Description ?? "", valueName, kind, words, repeatable);
    }
}
