using System.Reflection;

namespace DumpScope.Host.Commands;

/// <summary>
/// Maps navigation targets to commands that are loaded: a typed target to the first registered command that
/// declares <see cref="ShowsAttribute"/> for its subject (else its fallback's), a plain target to itself when
/// its verb is registered. Targets nothing loaded can show are dropped, so a result never offers a verb of a
/// plugin the profile did not load.
/// </summary>
public sealed class TargetResolver(CommandRegistry registry)
{
    /// <summary>The target with its command line, or null when no loaded command can show it.</summary>
    public NavigationTarget? Resolve(NavigationTarget target)
    {
        if (target.Subject is null) return IsLoaded(target.Command) ? target : null;
        for (var subject = target.Subject; subject is not null; subject = subject.Fallback)
            foreach (var command in registry.All)
                foreach (var shows in command.Shows)
                    if (shows.Subject == subject.GetType() && Expand(shows.Arguments, subject) is { } arguments)
                        return target with { Command = $"{command.Invocation} {arguments}" };
        return null;
    }

    /// <summary>Resolves every target of a result in place (rows, records and record fields).</summary>
    public void ResolveAll(CommandResult result)
    {
        foreach (var block in result.Blocks)
        {
            switch (block)
            {
                case TableBlock table:
                    // A streamed table's rows are resolved as they are produced (ResolveRow, by the session).
                    foreach (var row in table.Rows) ResolveList(row.Targets);
                    break;
                case RecordBlock record:
                    ResolveList(record.Targets);
                    for (int i = 0; i < record.Fields.Count; i++)
                        if (record.Fields[i].Target is { } t)
                            record.Fields[i] = record.Fields[i] with { Target = Resolve(t) };
                    break;
            }
        }
    }

    /// <summary>Resolves one row's targets in place.</summary>
    public void ResolveRow(TableRow row) => ResolveList(row.Targets);

    private void ResolveList(List<NavigationTarget> targets)
    {
        for (int i = targets.Count - 1; i >= 0; i--)
        {
            if (Resolve(targets[i]) is { } resolved) targets[i] = resolved;
            else targets.RemoveAt(i);
        }
    }

    private bool IsLoaded(string commandLine)
    {
        IReadOnlyList<string> words;
        try
        {
            words = CommandLineSplitter.Split(commandLine);
        }
        catch (UsageException)
        {
            return false;
        }
        if (words.Count == 0) return false;
        // ps gives each of 100,000 rows "task ADDR": one resolution per shape, not per row.
        var shape = registry.ResolutionShape(words);
        if (_loaded.TryGetValue(shape, out var known)) return known;
        bool loaded;
        try
        {
            registry.Resolve(words);
            loaded = true;
        }
        catch (UsageException)
        {
            loaded = false;
        }
        _loaded[shape] = loaded;
        return loaded;
    }

    private readonly Dictionary<string, bool> _loaded = new(StringComparer.Ordinal);

    /// <summary>The template with the subject's properties filled in, or null when a hole's property is null.</summary>
    internal static string? Expand(string template, TargetSubject subject)
    {
        var text = new StringBuilder();
        int at = 0;
        while (at < template.Length)
        {
            int open = template.IndexOf('{', at);
            if (open < 0) { text.Append(template, at, template.Length - at); break; }
            int close = template.IndexOf('}', open);
            if (close < 0) throw new FormatException($"unclosed '{{' in target template '{template}'");
            text.Append(template, at, open - at);
            var name = template[(open + 1)..close];
            var property = subject.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance)
                ?? throw new FormatException($"target template '{template}': {subject.GetType().Name} has no property '{name}'");
            var value = property.GetValue(subject);
            if (value is null) return null;
            text.Append(Word(value));
            at = close + 1;
        }
        return text.ToString();
    }

    private static string Word(object value) => value switch
    {
        ulong u => "0x" + u.ToString("x", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        string s when s.Any(char.IsWhiteSpace) => "\"" + s.Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
