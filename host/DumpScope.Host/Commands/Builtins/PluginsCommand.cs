using DumpScope.Host.Session;
using DumpScope.Sdk.Plugins;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>Lists loaded plugins with versions and commands, the profiles, and plugins that failed to load.</summary>
[Command("plugins", Help = "list loaded plugins, their versions and commands, profiles, and load failures", NeedsDump = false,
    Examples = ["plugins  what is loaded and which profiles exist"], SeeAlso = ["help"])]
public sealed class PluginsCommand(DumpScopeSession session) : ICommand
{
    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var result = new CommandResult();
        var loaded = result.Add(new TableBlock(
            new Column("NAME"), new Column("VERSION"), new Column("SDK", Key: "sdk_version"), new Column("ACTIVE", CellKind.Bool),
            new Column("COMMANDS"), new Column("DESCRIPTION"))
        { Title = $"plugins (host SDK {SdkInfo.Version.ToString(3)}; profile: {session.Profile ?? "(explicit list)"})" });
        foreach (var p in session.AvailablePlugins)
        {
            bool active = session.ActivePlugins.Contains(p);
            var commands = session.Registry.All.Where(c => c.Plugin == p.Name).Select(c => c.Invocation).Distinct();
            loaded.AddRow(Cell.Text(p.Name), Cell.Text(p.Version), Cell.Text(p.SdkVersion.ToString(3)), Cell.Bool(active),
                Cell.Text(string.Join(", ", commands)), Cell.Text(p.Description));
        }

        var profiles = result.Add(new TableBlock(new Column("PROFILE"), new Column("DEFAULT", CellKind.Bool), new Column("PLUGINS")) { Title = "profiles" + (session.Manifest.FilePath is { } f ? $" ({f})" : " (no plugins.json: all plugins)") });
        foreach (var (name, plugins) in session.Manifest.Profiles.OrderBy(p => p.Key, StringComparer.Ordinal))
            profiles.AddRow(Cell.Text(name), Cell.Bool(string.Equals(name, session.Manifest.Default, StringComparison.OrdinalIgnoreCase)), Cell.Text(string.Join(", ", plugins)));

        if (session.Failures.Count > 0)
        {
            var failed = result.Add(new TableBlock(new Column("SOURCE"), new Column("REASON")) { Title = "plugins that failed to load" });
            foreach (var failure in session.Failures) failed.AddRow(Cell.Text(failure.Source), Cell.Text(failure.Reason));
        }
        result.Warnings.AddRange(session.Notes);
        return result;
    }
}
