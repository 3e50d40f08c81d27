namespace DumpScope.Host.Commands;

/// <summary>Splits a command line into words: spaces separate, single or double quotes group, backslash escapes.</summary>
public static class CommandLineSplitter
{
    /// <summary>The words of <paramref name="line"/>; an unclosed quote is a usage error.</summary>
    public static IReadOnlyList<string> Split(string line)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else if (c == '\\' && quote == '"' && i + 1 < line.Length) current.Append(line[++i]);
                else current.Append(c);
                continue;
            }
            if (char.IsWhiteSpace(c))
            {
                if (inWord) { words.Add(current.ToString()); current.Clear(); inWord = false; }
                continue;
            }
            inWord = true;
            if (c is '"' or '\'') quote = c;
            else if (c == '\\' && i + 1 < line.Length) current.Append(line[++i]);
            else current.Append(c);
        }
        if (quote != '\0') throw new UsageException($"unclosed {quote} in: {line}");
        if (inWord) words.Add(current.ToString());
        return words;
    }
}
