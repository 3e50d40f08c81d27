using DumpScope.Sdk.Commands;

namespace DumpScope.Tui.Model;

/// <summary>
/// The summary pane's lines in a given width and number of lines: pinned fields (PANIC) and the result's warnings
/// (a truncated dump) each on a line of their own and always shown; the other fields packed as "NAME: value" into
/// the lines left, the fields named in the preferred order first.
/// </summary>
internal static class SummaryLines
{
    /// <summary>Between two fields on a line.</summary>
    public const string Separator = "   ";

    /// <summary>The lines for <paramref name="result"/> (none for a failed or empty result).</summary>
    public static IReadOnlyList<string> Format(CommandResult? result, int width, int maxLines, IReadOnlyCollection<string> pinned, IReadOnlyList<string> preferred)
    {
        ArgumentNullException.ThrowIfNull(pinned);
        ArgumentNullException.ThrowIfNull(preferred);
        var lines = new List<string>();
        if (result is null || result.Failed || width <= 0 || maxLines <= 0)
            return lines;
        var fields = result.Blocks.OfType<RecordBlock>().SelectMany(r => r.Fields).ToList();
        var first = fields.Where(f => pinned.Contains(f.Name)).Select(f => $"{f.Name}: {CellText.Format(f.Value)}")
            .Concat(result.Warnings);
        foreach (var line in first)
        {
            if (lines.Count < maxLines)
                lines.Add(CellText.Shorten(line, width));
        }
        var rest = fields.Where(f => !pinned.Contains(f.Name))
            .OrderBy(f => Rank(preferred, f.Name))
            .Select(f => $"{f.Name}: {CellText.Format(f.Value)}")
            .Concat(result.Blocks.Where(b => b is not RecordBlock).SelectMany(b => ResultText.ToLines(new CommandResult { Blocks = { b } })));
        Pack(lines, rest, width, maxLines);
        return lines;
    }

    private static int Rank(IReadOnlyList<string> preferred, string name)
    {
        for (var i = 0; i < preferred.Count; i++)
        {
            if (string.Equals(preferred[i], name, StringComparison.Ordinal))
                return i;
        }
        return preferred.Count;
    }

    /// <summary>First fit: each segment goes on the first open line with room, a new line while lines are left.</summary>
    private static void Pack(List<string> lines, IEnumerable<string> segments, int width, int maxLines)
    {
        var open = new List<System.Text.StringBuilder>();
        foreach (var raw in segments)
        {
            var segment = CellText.Shorten(raw, width);
            var line = open.FirstOrDefault(l => l.Length + Separator.Length + segment.Length <= width);
            if (line is not null)
            {
                line.Append(Separator).Append(segment);
                continue;
            }
            if (lines.Count + open.Count >= maxLines)
                continue;
            open.Add(new System.Text.StringBuilder(segment));
        }
        lines.AddRange(open.Select(l => l.ToString()));
    }
}
