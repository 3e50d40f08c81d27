using DumpScope.Host.Rendering;

namespace DumpScope.Tui.Model;

/// <summary>Renders a result as plain lines (the summary pane): records as "name: value", tables as aligned columns.</summary>
internal static class ResultText
{
    /// <summary>The lines of <paramref name="result"/>; a failed result has none.</summary>
    public static IReadOnlyList<string> ToLines(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var lines = new List<string>();
        if (result.Failed)
            return lines;
        foreach (var block in result.UndrawnBlocks)
        {
            switch (block)
            {
                case RecordBlock r:
                    var width = r.Fields.Count == 0 ? 0 : r.Fields.Max(f => f.Name.Length);
                    lines.AddRange(r.Fields.Select(f => $"{f.Name.PadLeft(width)}: {CellFormatter.Format(f.Value, CellFormatter.ReasonWidth)}"));
                    break;
                case TextBlock t:
                    lines.AddRange(t.Lines);
                    break;
                case TableBlock t:
                    AddTable(lines, t);
                    break;
                case ChartBlock c:
                    AddTable(lines, ChartText.Table(c));
                    break;
            }
        }
        return lines;
    }

    private static void AddTable(List<string> lines, TableBlock table)
    {
        var texts = table.Rows.Select(r => r.Cells.Select(c => CellFormatter.Format(c, CellFormatter.ReasonWidth)).ToArray()).ToList();
        var widths = table.Columns.Select((c, i) => Math.Max(c.Name.Length, texts.Count == 0 ? 0 : texts.Max(t => t[i].Length))).ToArray();
        string Line(IReadOnlyList<string> cells) => string.Join("  ", cells.Select((c, i) =>
            CellFormatter.RightAligned(table.Columns[i].Kind) ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd();
        lines.Add(Line(table.Columns.Select(c => c.Name).ToArray()));
        lines.AddRange(texts.Select(Line));
    }
}
