using System.Buffers;

namespace DumpScope.Host.Commands;

/// <summary>Splits a command line into words: spaces separate, single or double quotes group, backslash escapes.</summary>
public static class CommandLineSplitter
{
    /// <summary>Printable ASCII but quotes and backslash, and the space: a line of only these splits at its spaces.</summary>
    private static readonly SearchValues<char> PlainCharacters = SearchValues.Create(
        " !#$%&()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>The words of <paramref name="line"/>; an unclosed quote is a usage error.</summary>
    public static IReadOnlyList<string> Split(string line)
    {
        // Most lines (every navigation target: "task ffff8880…") are plain words and single spaces: split at once.
        if (!line.AsSpan().ContainsAnyExcept(PlainCharacters)) return line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
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
