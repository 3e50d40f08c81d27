using DumpScope.Host.Session;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace DumpScope.Tui.Views;

/// <summary>The navigator: a tree of loaded plugins and their commands, built from the runner's descriptions only.</summary>
internal sealed class CommandNavigator : TreeView
{
    /// <summary>Creates an empty navigator.</summary>
    public CommandNavigator()
    {
        Width = Dim.Fill();
        Height = Dim.Fill();
        Accepting += (_, e) =>
        {
            if (SelectedObject?.Tag is CommandDescriptor command)
            {
                e.Handled = true;
                CommandChosen?.Invoke(this, command);
            }
            else if (SelectedObject is { } node)
            {
                e.Handled = true;
                if (IsExpanded(node))
                    Collapse(node);
                else
                    Expand(node);
            }
        };
        SelectionChanged += (_, _) => CommandSelected?.Invoke(this, SelectedObject?.Tag as CommandDescriptor);
    }

    /// <summary>Enter on a command.</summary>
    public event EventHandler<CommandDescriptor>? CommandChosen;

    /// <summary>The cursor moved to a command (or to a plugin: null).</summary>
    public event EventHandler<CommandDescriptor?>? CommandSelected;

    /// <summary>
    /// Rebuilds the tree: one node per plugin (name and version) with its commands; commands of a plugin the runner
    /// does not list (the host's built-ins) get a node of their own.
    /// </summary>
    public void Populate(ICommandRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ClearObjects();
        var byPlugin = runner.Commands
            .GroupBy(c => c.Plugin, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var roots = new List<TreeNode>();
        foreach (var plugin in runner.Plugins)
        {
            var node = new TreeNode { Text = $"{plugin.Name} {plugin.Version}", Tag = plugin };
            var commands = byPlugin.Remove(plugin.Name, out var list) ? list : [];
            // A plugin may name invocations the registry did not describe; show them too so nothing is hidden.
            var described = commands.Select(c => c.Invocation).ToHashSet(StringComparer.Ordinal);
            foreach (var command in commands.OrderBy(c => c.Invocation, StringComparer.Ordinal))
                node.Children.Add(CommandNode(command));
            foreach (var invocation in plugin.Commands.Where(i => !described.Contains(i)))
                node.Children.Add(CommandNode(Undescribed(invocation, plugin.Name)));
            roots.Add(node);
        }
        foreach (var (plugin, commands) in byPlugin.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var node = new TreeNode { Text = plugin };
            foreach (var command in commands.OrderBy(c => c.Invocation, StringComparer.Ordinal))
                node.Children.Add(CommandNode(command));
            roots.Add(node);
        }
        AddObjects(roots);
        ExpandAll();
        if (roots.Count > 0)
            SelectedObject = roots[0];
        SetNeedsDraw();
    }

    /// <summary>The command nodes in display order (for tests and completion).</summary>
    public IEnumerable<CommandDescriptor> AllCommands =>
        (Objects ?? []).SelectMany(o => o.Children).Select(c => c.Tag).OfType<CommandDescriptor>();

    private static TreeNode CommandNode(CommandDescriptor command) => new() { Text = command.Invocation, Tag = command };

    private static CommandDescriptor Undescribed(string invocation, string plugin)
    {
        var parts = invocation.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new CommandDescriptor(parts[0], parts.Length > 1 ? parts[1] : null, [], "", plugin, invocation);
    }
}
