using System.Reflection;

namespace DumpScope.Host.Commands;

/// <summary>
/// A command known to the registry, with its declared options and arguments: from its class (a loaded plugin, the
/// host), or from a plugin's index (<see cref="Plugins.PluginIndex"/>) before the plugin's assembly is loaded; such a
/// command gets its class (<see cref="Type"/>, the options' properties) when its plugin is loaded.
/// </summary>
public sealed class RegisteredCommand
{
    /// <summary>Creates the registration for a command type.</summary>
    public RegisteredCommand(Type type, string plugin)
    {
        Plugin = plugin;
        Attribute = type.GetCustomAttribute<CommandAttribute>() ?? throw new ArgumentException($"{type.FullName} has no [Command]");
        TypeName = type.FullName ?? type.Name;
        Shows = type.GetCustomAttributes<ShowsAttribute>().ToArray();
        (Options, Arguments) = Reflect(type);
        Type = type;
    }

    /// <summary>The registration of a command of a plugin not loaded yet, from the plugin's index.</summary>
    internal RegisteredCommand(Plugins.PluginIndex.CommandEntry entry, string plugin)
    {
        Plugin = plugin;
        Attribute = entry.Attribute;
        TypeName = entry.TypeName;
        Shows = entry.Shows;
        Options = entry.Options;
        Arguments = entry.Arguments;
    }

    private static (IReadOnlyList<OptionBinding>, IReadOnlyList<ArgumentBinding>) Reflect(Type type)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var options = properties
            .Select(p => (p, a: p.GetCustomAttribute<OptionAttribute>()))
            .Where(x => x.a is not null)
            .Select(x => new OptionBinding(x.p, x.a!))
            .ToArray();
        var arguments = properties
            .Select(p => (p, a: p.GetCustomAttribute<ArgumentAttribute>()))
            .Where(x => x.a is not null)
            .OrderBy(x => x.a!.Position)
            .Select(x => new ArgumentBinding(x.p, x.a!))
            .ToArray();
        return (options, arguments);
    }

    /// <summary>
    /// Gives an indexed command its class once the plugin is loaded: the options and arguments become the class's
    /// own (the index was made from the same assembly, checked by its MVID, so they are the same declarations).
    /// </summary>
    internal void Attach(Type type)
    {
        if (Type is not null) return;
        (Options, Arguments) = Reflect(type);
        Type = type;
    }

    /// <summary>The command class, or null while its plugin is not loaded.</summary>
    public Type? Type { get; private set; }

    /// <summary>The command class's full name (known before its plugin is loaded).</summary>
    public string TypeName { get; }

    /// <summary>The plugin that provides it ("host" for built-ins).</summary>
    public string Plugin { get; }

    /// <summary>Its declaration.</summary>
    public CommandAttribute Attribute { get; }

    /// <summary>Declared options.</summary>
    public IReadOnlyList<OptionBinding> Options { get; private set; }

    /// <summary>Declared positional arguments, by position.</summary>
    public IReadOnlyList<ArgumentBinding> Arguments { get; private set; }

    /// <summary>The navigation subjects this command shows.</summary>
    public IReadOnlyList<ShowsAttribute> Shows { get; }

    /// <summary>"kmem -s" or "ps".</summary>
    public string Invocation => Attribute.Selector is null ? Attribute.Name : $"{Attribute.Name} {Attribute.Selector}";

    /// <summary>A usage line: "kmem -S [-v] NAME|ADDR".</summary>
    public string Usage
    {
        get
        {
            var text = new StringBuilder(Invocation);
            foreach (var o in Options)
            {
                if (o.Attribute.Names.Contains(Attribute.Selector)) continue;
                text.Append(" [").Append(string.Join('|', o.Attribute.Names));
                if (!o.IsFlag) text.Append(' ').Append(o.Attribute.ValueName ?? o.PropertyName.ToUpperInvariant());
                text.Append(']');
            }
            foreach (var a in Arguments)
            {
                var name = a.IsList ? a.Attribute.Name + "..." : a.Attribute.Name;
                text.Append(' ').Append(a.Attribute.Required ? name : $"[{name}]");
            }
            return text.ToString();
        }
    }

    /// <summary>Full help: usage, description, options, arguments, examples and related commands.</summary>
    /// <param name="related">Other commands to name under "see also" (those sharing the verb).</param>
    public IEnumerable<string> HelpLines(IEnumerable<string>? related = null)
    {
        yield return $"usage: {Usage}";
        if (Attribute.Help.Length > 0) yield return "  " + Attribute.Help;
        if (Attribute.Aliases.Length > 0) yield return $"  aliases: {string.Join(", ", Attribute.Aliases)}";
        foreach (var o in Options)
            yield return $"  {string.Join(", ", o.Attribute.Names),-22} {o.Attribute.Help}";
        foreach (var a in Arguments)
            yield return $"  {a.Attribute.Name,-22} {a.Attribute.Help}";
        if (Attribute.Examples.Length > 0)
        {
            yield return "examples:";
            // "rd linux_banner 8  what it does": the descriptions line up after the longest command.
            var split = Attribute.Examples.Select(e => e.Split("  ", 2, StringSplitOptions.TrimEntries)).ToArray();
            int width = split.Max(e => e[0].Length);
            foreach (var e in split) yield return e.Length == 2 ? $"  {e[0].PadRight(width)}  # {e[1]}" : "  " + e[0];
        }
        var seeAlso = Attribute.SeeAlso.Concat(related ?? []).Distinct(StringComparer.Ordinal).Where(s => s != Invocation).ToArray();
        if (seeAlso.Length > 0) yield return $"see also: {string.Join(", ", seeAlso)}";
        yield return $"  (plugin: {Plugin})";
    }
}

/// <summary>
/// An option property: its name and whether it is a flag (a bool) are known from a plugin's index; the property itself
/// only once the command's class is loaded (<see cref="RegisteredCommand.Attach"/>), which binding needs.
/// </summary>
public sealed record OptionBinding(OptionAttribute Attribute, string PropertyName, bool IsFlag)
{
    /// <summary>The binding of a loaded class's property.</summary>
    public OptionBinding(PropertyInfo property, OptionAttribute attribute) : this(attribute, property.Name, property.PropertyType == typeof(bool)) => Property = property;

    /// <summary>The property, or null while the command's plugin is not loaded.</summary>
    public PropertyInfo? Property { get; }
}

/// <summary>A positional argument property (see <see cref="OptionBinding"/>); a list (string[]) takes the remaining words.</summary>
public sealed record ArgumentBinding(ArgumentAttribute Attribute, string PropertyName, bool IsList)
{
    /// <summary>The binding of a loaded class's property.</summary>
    public ArgumentBinding(PropertyInfo property, ArgumentAttribute attribute) : this(attribute, property.Name, property.PropertyType == typeof(string[])) => Property = property;

    /// <summary>The property, or null while the command's plugin is not loaded.</summary>
    public PropertyInfo? Property { get; }
}
