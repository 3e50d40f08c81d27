using DumpScope.Host.Rendering;

namespace DumpScope.Tui.Model;

/// <summary>
/// The summary pane's lines in a given width and number of lines: pinned fields (PANIC, truncated), the session's
/// notes and the result's warnings each on a line of their own and always shown (a pinned field saying "no" has
/// nothing to report and is left out); the other fields packed as "NAME: value" into the lines left, the fields named
/// in the preferred order first.
/// </summary>
internal static class SummaryLines
{
    /// <summary>Between two fields on a line.</summary>
    public const string Separator = "   ";

    /// <summary>The lines for <paramref name="result"/> (none for a failed or empty result).</summary>
    public static IReadOnlyList<string> Format(CommandResult? result, IReadOnlyList<string> notes, int width, int maxLines, IReadOnlyCollection<string> pinned, IReadOnlyList<string> preferred)
    {
        ArgumentNullException.ThrowIfNull(notes);
        ArgumentNullException.ThrowIfNull(pinned);
        ArgumentNullException.ThrowIfNull(preferred);
        var lines = new List<string>();
        if (width <= 0 || maxLines <= 0)
            return lines;
        if (result is null || result.Failed)
            result = new CommandResult();
        bool IsPinned(RecordField f) => pinned.Contains(f.Name, StringComparer.OrdinalIgnoreCase);
        var fields = result.Blocks.OfType<RecordBlock>().SelectMany(r => r.Fields).ToList();
        var first = fields.Where(IsPinned)
            .Select(f => (f.Name, Text: CellFormatter.Format(f.Value, CellFormatter.ReasonWidth)))
            .Where(f => f.Text is not ("no" or "-" or ""))
            .Select(f => $"{f.Name}: {f.Text}")
            .Concat(notes)
            .Concat(result.Warnings);
        foreach (var line in first)
        {
            if (lines.Count < maxLines)
                lines.Add(CellFormatter.Shorten(line, width));
        }
        var rest = fields.Where(f => !IsPinned(f))
            .OrderBy(f => Rank(preferred, f.Name))
            .Select(f => $"{f.Name}: {CellFormatter.Format(f.Value, CellFormatter.ReasonWidth)}")
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
            var segment = CellFormatter.Shorten(raw, width);
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
