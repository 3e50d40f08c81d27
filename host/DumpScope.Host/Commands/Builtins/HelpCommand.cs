using DumpScope.Host.Session;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>Lists commands, or shows one command's usage and options.</summary>
[Command("help", Aliases = ["?"], Help = "list commands, or show a command's usage: help [COMMAND]", NeedsDump = false,
    Examples = ["help  every command", "help kmem  every form of kmem", "help kmem -s  one form"], SeeAlso = ["plugins"])]
public sealed class HelpCommand(DumpScopeSession session) : ICommand
{
    /// <summary>The command to explain; all commands when absent.</summary>
    [Argument(0, Name = "COMMAND", Help = "a command name (\"kmem\" shows every kmem variant)")]
    public string[] Topic { get; set; } = [];

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var result = new CommandResult();
        if (Topic.Length == 0)
        {
            var table = result.Add(new TableBlock(new Column("COMMAND"), new Column("PLUGIN"), new Column("DESCRIPTION")) { Title = "commands" });
            foreach (var c in session.Registry.All.OrderBy(c => c.Invocation, StringComparer.Ordinal))
                table.AddRow(Cell.Text(c.Invocation), Cell.Text(c.Plugin), Cell.Text(c.Attribute.Help))
                    .WithTarget("help", $"help {c.Invocation}");
            return result;
        }
        var name = Topic[0];
        var matches = session.Registry.All.Where(c =>
            string.Equals(c.Attribute.Name, name, StringComparison.OrdinalIgnoreCase)
            || c.Attribute.Aliases.Contains(name, StringComparer.OrdinalIgnoreCase)
            || string.Equals($"{c.Plugin}:{c.Attribute.Name}", name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (Topic.Length > 1) matches = matches.Where(c => Topic.Skip(1).Contains(c.Attribute.Selector, StringComparer.Ordinal)).ToList();
        if (matches.Count == 0 && Topic.Length > 1 && session.Registry.All.Where(c => string.Equals(c.Attribute.Name, name, StringComparison.OrdinalIgnoreCase)).Select(c => c.Invocation).ToArray() is { Length: > 0 } forms)
            return CommandResult.Fail($"help: no '{string.Join(' ', Topic)}'; the forms of {name} are: {string.Join(", ", forms)}");
        if (matches.Count == 0)
        {
            var close = session.Registry.Suggest(name);
            return CommandResult.Fail(close.Count > 0 ? $"help: unknown command '{name}'; did you mean: {string.Join(", ", close)}?" : $"help: unknown command '{name}'");
        }
        foreach (var c in matches)
        {
            var sharing = session.Registry.All.Where(o => o != c && string.Equals(o.Attribute.Name, c.Attribute.Name, StringComparison.OrdinalIgnoreCase)).Select(o => o.Invocation);
            result.Add(new TextBlock(c.HelpLines(sharing)) { Title = c.Invocation });
        }
        return result;
    }
}
