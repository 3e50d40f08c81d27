using DumpScope.Host.Session;

namespace DumpScope.Tui.Model;

/// <summary>Reads a command's usage line to tell whether it can run without arguments.</summary>
internal static class CommandUsage
{
    /// <summary>
    /// True when the usage names something the user must type: after the invocation, anything outside [brackets]
    /// ("kmem -S NAME" needs one, "kmem -s [-v] [NAME]" does not).
    /// </summary>
    public static bool NeedsArgument(CommandDescriptor command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var usage = command.Usage?.Trim() ?? "";
        foreach (var prefix in new[] { command.Invocation }.Concat(command.Aliases))
        {
            if (usage.StartsWith(prefix, StringComparison.Ordinal))
            {
                usage = usage[prefix.Length..];
                break;
            }
        }
        var depth = 0;
        var required = new System.Text.StringBuilder();
        foreach (var ch in usage)
        {
            if (ch is '[')
                depth++;
            else if (ch is ']' && depth > 0)
                depth--;
            else if (depth == 0)
                required.Append(ch);
        }
        var rest = required.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // "..." and "|" are grammar, not words the user types.
        return rest.Any(t => t is not "..." and not "|");
    }
}
