namespace DumpScope.Cli;

/// <summary>Where a command's rendered output goes: the terminal, a shell pipeline, or a file.</summary>
public enum RedirectKind
{
    /// <summary>Standard output.</summary>
    None,
    /// <summary><c>| shell-command</c>: the text is the standard input of <c>/bin/sh -c shell-command</c>.</summary>
    Pipe,
    /// <summary><c>&gt; file</c>: the file is replaced.</summary>
    Write,
    /// <summary><c>&gt;&gt; file</c>: the text is appended.</summary>
    Append,
}

/// <summary>
/// A command line split as crash splits it: the command, then at the first <c>|</c>, <c>&gt;</c> or <c>&gt;&gt;</c>
/// outside quotes (single or double; a backslash escapes one character) the shell pipeline or the file. A <c>|</c> or
/// <c>&gt;</c> inside quotes belongs to the command.
/// </summary>
/// <param name="Command">The DumpScope command (trimmed).</param>
/// <param name="Kind">Where the output goes.</param>
/// <param name="Target">The shell command or the file name (trimmed, quotes of a file name removed); empty for <see cref="RedirectKind.None"/>.</param>
public sealed record OutputRedirect(string Command, RedirectKind Kind, string Target)
{
    /// <summary>Splits <paramref name="line"/>; a redirection without a target is a usage error.</summary>
    public static OutputRedirect Parse(string line)
    {
        char quote = '\0';
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else if (c == '\\' && quote == '"') i++;
                continue;
            }
            if (c is '"' or '\'') { quote = c; continue; }
            if (c == '\\') { i++; continue; }
            if (c is not ('|' or '>')) continue;
            var command = line[..i].Trim();
            RedirectKind kind = c == '|' ? RedirectKind.Pipe : i + 1 < line.Length && line[i + 1] == '>' ? RedirectKind.Append : RedirectKind.Write;
            var target = line[(i + (kind == RedirectKind.Append ? 2 : 1))..].Trim();
            if (kind != RedirectKind.Pipe) target = Unquote(target);
            if (command.Length == 0) throw new UsageException($"'{c}' needs a command before it");
            if (target.Length == 0) throw new UsageException(kind == RedirectKind.Pipe ? "'|' needs a shell command after it" : $"'{(kind == RedirectKind.Append ? ">>" : ">")}' needs a file name after it");
            return new OutputRedirect(command, kind, target);
        }
        return new OutputRedirect(line.Trim(), RedirectKind.None, "");
    }

    private static string Unquote(string text) =>
        text.Length >= 2 && (text[0] == '"' && text[^1] == '"' || text[0] == '\'' && text[^1] == '\'') ? text[1..^1] : text;
}
