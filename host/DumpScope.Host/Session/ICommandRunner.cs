namespace DumpScope.Host.Session;

/// <summary>A command as the registry knows it: for help, the TUI's navigator and completion.</summary>
/// <param name="Name">The verb.</param>
/// <param name="Selector">The selector flag when several commands share the verb ("-s"), else null.</param>
/// <param name="Aliases">Other verbs.</param>
/// <param name="Help">One-line help.</param>
/// <param name="Plugin">The plugin that provides it ("host" for built-ins).</param>
/// <param name="Usage">Usage line with options and arguments.</param>
public sealed record CommandDescriptor(string Name, string? Selector, IReadOnlyList<string> Aliases, string Help, string Plugin, string Usage)
{
    /// <summary>The command as typed: "kmem -s" or "ps".</summary>
    public string Invocation => Selector is null ? Name : $"{Name} {Selector}";
}

/// <summary>A loaded plugin as the user sees it.</summary>
/// <param name="Name">Plugin name.</param>
/// <param name="Version">Plugin version.</param>
/// <param name="Description">What it does.</param>
/// <param name="SdkVersion">The SDK version it was built against.</param>
/// <param name="Commands">Its commands' invocations.</param>
public sealed record PluginDescriptor(string Name, string Version, string Description, string SdkVersion, IReadOnlyList<string> Commands);

/// <summary>
/// What front ends (CLI, REPL, TUI) talk to: runs command lines against the open session and describes it.
/// Thread-safe: commands may run off the UI thread.
/// </summary>
public interface ICommandRunner
{
    /// <summary>Runs one command line. Never throws for command failures: the result carries the error.</summary>
    CommandResult Run(string commandLine, CancellationToken cancellation = default, IProgress<CommandProgress>? progress = null);

    /// <summary>
    /// Runs one command line for an output that streams: streamed tables (<see cref="TableBlock.Streamed"/>) are left
    /// to be produced while the result is written; a failure while producing them sets the result's error then.
    /// </summary>
    CommandResult RunStreamed(string commandLine, CancellationToken cancellation = default, IProgress<CommandProgress>? progress = null) =>
        Run(commandLine, cancellation, progress);

    /// <summary>All commands available now.</summary>
    IReadOnlyList<CommandDescriptor> Commands { get; }

    /// <summary>Loaded plugins.</summary>
    IReadOnlyList<PluginDescriptor> Plugins { get; }

    /// <summary>The open dump's path, or null.</summary>
    string? DumpPath { get; }
}
