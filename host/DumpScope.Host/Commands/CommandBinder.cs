using System.Reflection;

namespace DumpScope.Host.Commands;

/// <summary>Binds command-line words to a command's attributed properties.</summary>
public static class CommandBinder
{
    /// <summary>
    /// Sets options and arguments on <paramref name="instance"/> from <paramref name="words"/> (the words after
    /// the verb). Bool options are flags (short flags may be combined: "-tk"); other options take the next
    /// word or "--name=value"; "--" ends options. Errors are <see cref="UsageException"/>s with the usage line.
    /// </summary>
    public static void Bind(RegisteredCommand command, object instance, IReadOnlyList<string> words)
    {
        var positional = new List<string>();
        bool optionsEnded = false;
        for (int i = 0; i < words.Count; i++)
        {
            var word = words[i];
            // "-8" is an option when the command declares it (rd -8), else a negative number.
            // A command with no options of its own whose words are a list (help kmem -s) takes them as they are.
            if (optionsEnded || word.Length < 2 || word[0] != '-' || IsNegativeNumber(word) && Find(command, word) is null
                || command.Options.Count == 0 && command.Arguments.Any(a => a.IsList))
            {
                positional.Add(word);
                continue;
            }
            if (word == "--") { optionsEnded = true; continue; }
            string name = word;
            string? value = null;
            int eq = word.IndexOf('=');
            if (word.StartsWith("--", StringComparison.Ordinal) && eq > 0) { name = word[..eq]; value = word[(eq + 1)..]; }

            var option = Find(command, name);
            if (option is null && !name.StartsWith("--", StringComparison.Ordinal) && name.Length > 2)
            {
                // Combined short flags: -tk = -t -k, all of them bool.
                var flags = name[1..].Select(c => Find(command, "-" + c)).ToArray();
                if (flags.All(f => f is not null && f.IsFlag))
                {
                    foreach (var f in flags) Property(command, f!.Property).SetValue(instance, true);
                    continue;
                }
            }
            if (option is null)
            {
                if (name == command.Attribute.Selector) continue;
                throw new UsageException($"{command.Invocation}: unknown option '{name}'\nusage: {command.Usage}");
            }
            var property = Property(command, option.Property);
            if (option.IsFlag)
            {
                property.SetValue(instance, value is null || bool.Parse(value));
                continue;
            }
            if (value is null)
            {
                if (i + 1 >= words.Count) throw new UsageException($"{command.Invocation}: option '{name}' needs a value\nusage: {command.Usage}");
                value = words[++i];
            }
            property.SetValue(instance, Convert(command, name, value, property.PropertyType, option.Attribute.Minimum));
        }

        int next = 0;
        foreach (var argument in command.Arguments)
        {
            var property = Property(command, argument.Property);
            if (argument.IsList)
            {
                if (argument.Attribute.Required && next >= positional.Count)
                    throw new UsageException($"{command.Invocation}: missing {argument.Attribute.Name}\nusage: {command.Usage}");
                property.SetValue(instance, positional.Skip(next).ToArray());
                next = positional.Count;
                continue;
            }
            if (next < positional.Count)
                property.SetValue(instance, Convert(command, argument.Attribute.Name, positional[next++], property.PropertyType, argument.Attribute.Minimum));
            else if (argument.Attribute.Required)
                throw new UsageException($"{command.Invocation}: missing {argument.Attribute.Name}\nusage: {command.Usage}");
        }
        if (next < positional.Count)
            throw new UsageException($"{command.Invocation}: unexpected argument '{positional[next]}'\nusage: {command.Usage}");
    }

    // Binding happens on an instance, so the command's plugin is loaded and its bindings have their properties.
    private static PropertyInfo Property(RegisteredCommand command, PropertyInfo? property) =>
        property ?? throw new InvalidOperationException($"{command.TypeName}: bound before its plugin was loaded");

    private static OptionBinding? Find(RegisteredCommand command, string name) =>
        command.Options.FirstOrDefault(o => o.Attribute.Names.Contains(name, StringComparer.Ordinal));

    private static bool IsNegativeNumber(string word) => word.Length > 1 && word[0] == '-' && char.IsDigit(word[1]);

    private static object Convert(RegisteredCommand command, string what, string value, Type type, long minimum)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        object? converted = null;
        try
        {
            if (target == typeof(string)) return value;
            if (target == typeof(int)) converted = int.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            else if (target == typeof(long)) converted = long.Parse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            else if (target == typeof(ulong)) converted = Arguments.TryParseNumber(value, out var u) ? u : throw new FormatException();
            else if (target.IsEnum)
                converted = Enum.TryParse(target, value, ignoreCase: true, out var e) && Enum.IsDefined(target, e!) ? e! : throw new FormatException();
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new UsageException($"{command.Invocation}: {what}: '{value}' is not {Expected(target)}\nusage: {command.Usage}");
        }
        if (converted is null) throw new InvalidOperationException($"{command.TypeName}: property type {type.Name} is not supported by the binder");
        if (minimum != long.MinValue && converted is int or long && System.Convert.ToInt64(converted, CultureInfo.InvariantCulture) < minimum)
            throw new UsageException($"{command.Invocation}: {what}: {value} is below the smallest allowed value, {minimum}\nusage: {command.Usage}");
        return converted;
    }

    /// <summary>What a value of a property type looks like, in the user's words (never a .NET type name).</summary>
    private static string Expected(Type type) =>
        type == typeof(int) || type == typeof(long) ? "a whole number"
        : type == typeof(ulong) ? "a number (decimal, or hex with 0x)"
        : type.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))
        : "valid here";
}
