using System.Reflection;

namespace DumpScope.Host.Commands;

/// <summary>A command class known to the registry, with its declared options and arguments.</summary>
public sealed class RegisteredCommand
{
    /// <summary>Creates the registration for a command type.</summary>
    public RegisteredCommand(Type type, string plugin)
    {
        Type = type;
        Plugin = plugin;
        Attribute = type.GetCustomAttribute<CommandAttribute>() ?? throw new ArgumentException($"{type.FullName} has no [Command]");
        Options = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (p, a: p.GetCustomAttribute<OptionAttribute>()))
            .Where(x => x.a is not null)
            .Select(x => new OptionBinding(x.p, x.a!))
            .ToArray();
        Arguments = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (p, a: p.GetCustomAttribute<ArgumentAttribute>()))
            .Where(x => x.a is not null)
            .OrderBy(x => x.a!.Position)
            .Select(x => new ArgumentBinding(x.p, x.a!))
            .ToArray();
        Shows = type.GetCustomAttributes<ShowsAttribute>().ToArray();
    }

    /// <summary>The command class.</summary>
    public Type Type { get; }

    /// <summary>The plugin that provides it ("host" for built-ins).</summary>
    public string Plugin { get; }

    /// <summary>Its declaration.</summary>
    public CommandAttribute Attribute { get; }

    /// <summary>Declared options.</summary>
    public IReadOnlyList<OptionBinding> Options { get; }

    /// <summary>Declared positional arguments, by position.</summary>
    public IReadOnlyList<ArgumentBinding> Arguments { get; }

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
                if (o.Property.PropertyType != typeof(bool)) text.Append(' ').Append(o.Attribute.ValueName ?? o.Property.Name.ToUpperInvariant());
                text.Append(']');
            }
            foreach (var a in Arguments)
            {
                var name = a.Property.PropertyType == typeof(string[]) ? a.Attribute.Name + "..." : a.Attribute.Name;
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

/// <summary>An option property.</summary>
public sealed record OptionBinding(PropertyInfo Property, OptionAttribute Attribute);

/// <summary>A positional argument property.</summary>
public sealed record ArgumentBinding(PropertyInfo Property, ArgumentAttribute Attribute);
