using System.Globalization;
using DumpScope.Sdk.Commands;

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
            if (optionsEnded || word.Length < 2 || word[0] != '-' || IsNegativeNumber(word) && Find(command, word) is null)
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
                if (flags.All(f => f is not null && f.Property.PropertyType == typeof(bool)))
                {
                    foreach (var f in flags) f!.Property.SetValue(instance, true);
                    continue;
                }
            }
            if (option is null)
            {
                if (name == command.Attribute.Selector) continue;
                throw new UsageException($"{command.Invocation}: unknown option '{name}'\nusage: {command.Usage}");
            }
            if (option.Property.PropertyType == typeof(bool))
            {
                option.Property.SetValue(instance, value is null || bool.Parse(value));
                continue;
            }
            if (value is null)
            {
                if (i + 1 >= words.Count) throw new UsageException($"{command.Invocation}: option '{name}' needs a value\nusage: {command.Usage}");
                value = words[++i];
            }
            option.Property.SetValue(instance, Convert(command, name, value, option.Property.PropertyType));
        }

        int next = 0;
        foreach (var argument in command.Arguments)
        {
            if (argument.Property.PropertyType == typeof(string[]))
            {
                if (argument.Attribute.Required && next >= positional.Count)
                    throw new UsageException($"{command.Invocation}: missing {argument.Attribute.Name}\nusage: {command.Usage}");
                argument.Property.SetValue(instance, positional.Skip(next).ToArray());
                next = positional.Count;
                continue;
            }
            if (next < positional.Count)
                argument.Property.SetValue(instance, Convert(command, argument.Attribute.Name, positional[next++], argument.Property.PropertyType));
            else if (argument.Attribute.Required)
                throw new UsageException($"{command.Invocation}: missing {argument.Attribute.Name}\nusage: {command.Usage}");
        }
        if (next < positional.Count)
            throw new UsageException($"{command.Invocation}: unexpected argument '{positional[next]}'\nusage: {command.Usage}");
    }

    private static OptionBinding? Find(RegisteredCommand command, string name) =>
        command.Options.FirstOrDefault(o => o.Attribute.Names.Contains(name, StringComparer.Ordinal));

    private static bool IsNegativeNumber(string word) => word.Length > 1 && word[0] == '-' && char.IsDigit(word[1]);

    private static object Convert(RegisteredCommand command, string what, string value, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        try
        {
            if (target == typeof(string)) return value;
            if (target == typeof(int)) return int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);
            if (target == typeof(long)) return long.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);
            if (target == typeof(ulong))
                return Arguments.TryParseNumber(value, out var u) ? u : throw new FormatException();
            if (target.IsEnum) return Enum.Parse(target, value, ignoreCase: true);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new UsageException($"{command.Invocation}: {what}: '{value}' is not a valid {target.Name.ToLowerInvariant()}\nusage: {command.Usage}");
        }
        throw new InvalidOperationException($"{command.Type.Name}: property type {type.Name} is not supported by the binder");
    }
}
