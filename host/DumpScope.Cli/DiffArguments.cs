namespace DumpScope.Cli;

/// <summary>
/// <c>dumpscope diff OLD NEW [options]</c> as the ordinary command line <c>dumpscope OLD [options] -c "diff [diff
/// options] NEW"</c>: the options of the diff command go into the command, every other option stays dumpscope's
/// (--vmlinux, --json, --format…, which then apply to both dumps and to the output).
/// </summary>
internal static class DiffArguments
{
    /// <summary>The diff command's flags, and its options that take a value.</summary>
    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "--other-boot", "-a", "--all" };
    private static readonly HashSet<string> Valued = new(StringComparer.Ordinal) { "--sort", "--top" };

    /// <summary>Rewrites the arguments after "diff"; returns a usage problem, or null.</summary>
    public static string? Rewrite(CliOptions cli, string[] args, out string[] rewritten)
    {
        rewritten = args;
        var valuedCli = cli.CreateRoot().Options.Where(o => o.ValueType != typeof(bool))
            .SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);
        var positional = new List<string>();
        var diffOptions = new List<string>();
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            var a = args[i];
            if (Flags.Contains(a)) diffOptions.Add(a);
            else if (Valued.Contains(a))
            {
                if (i + 1 >= args.Length) return $"{a} needs a value";
                diffOptions.Add(a);
                diffOptions.Add(args[++i]);
            }
            else if (a.StartsWith('-') && a.Length > 1)
            {
                if (a is "-c" or "--command" or "-i" or "--input" or "--tui" or "--repl" or "--sample")
                    return $"{a} does not go with diff: it runs the one diff command";
                rest.Add(a);
                if (valuedCli.Contains(a) && !a.Contains('=') && i + 1 < args.Length) rest.Add(args[++i]);
            }
            else positional.Add(a);
        }
        if (positional.Count != 2) return $"give two dumps, OLD and NEW (got {positional.Count}): dumpscope diff OLD NEW [--other-boot] [--sort bytes|objects|slabs] [--top N]";
        var command = string.Join(' ', new[] { "diff" }.Concat(diffOptions.Select(Quote)).Append(Quote(positional[1])));
        rewritten = [positional[0], .. rest, "-c", command];
        return null;
    }

    /// <summary>A word for the command line splitter: single quotes, a quote inside closed, escaped and reopened.</summary>
    internal static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsLetterOrDigit(c) || c is '/' or '.' or '-' or '_' or '+' or ':' or ',' or '=')
            ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
