using DumpScope.Host.Session;

namespace DumpScope.Tui;

/// <summary>How the TUI starts: profiles to offer, how to switch, and what to show first.</summary>
public sealed class TuiOptions
{
    /// <summary>Profile names offered by the profile picker (from plugins.json).</summary>
    public IReadOnlyList<string> Profiles { get; init; } = [];

    /// <summary>The profile the given runner was built with, or null.</summary>
    public string? CurrentProfile { get; init; }

    /// <summary>
    /// Builds a runner for a chosen profile. Called off the UI thread; may throw (the error is shown and the old
    /// runner stays). Null disables switching.
    /// </summary>
    public Func<string, ICommandRunner>? SwitchProfile { get; init; }

    /// <summary>Commands tried in order for the summary pane; the first that succeeds is shown. Failures show nothing.</summary>
    public IReadOnlyList<string> SummaryCommands { get; init; } = ["sys", "dumpinfo"];

    /// <summary>Summary fields always shown, each on a line of its own, whatever the terminal's size.</summary>
    public IReadOnlyCollection<string> SummaryPinned { get; init; } = ["PANIC", "truncated"];

    /// <summary>What the session noted at open (a truncated dump, symbols not found): always shown in the summary.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Summary fields shown first when not all fit (the rest follow in the command's order).</summary>
    public IReadOnlyList<string> SummaryOrder { get; init; } = ["NODENAME", "RELEASE", "CPUS", "MEMORY", "UPTIME", "DATE", "TASKS", "LOAD AVERAGE"];

    /// <summary>The command line's history; the CLI passes the per-user one it shares with the REPL. Default: this run only.</summary>
    public DumpScope.Host.History.CommandHistory? History { get; init; }

    /// <summary>A command to run into the results area at start, or null (then <see cref="OpeningCommands"/> are tried).</summary>
    public string? InitialCommand { get; init; }

    /// <summary>
    /// Without an <see cref="InitialCommand"/>: the first of these that a loaded plugin provides opens the results area
    /// (the triage plugin's one-page answer); none loaded leaves it empty.
    /// </summary>
    public IReadOnlyList<string> OpeningCommands { get; init; } = ["triage"];
}
