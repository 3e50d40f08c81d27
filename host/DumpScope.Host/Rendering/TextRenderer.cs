using System.Text;
using DumpScope.Sdk.Commands;

namespace DumpScope.Host.Rendering;

/// <summary>
/// Renders results as text: tables in aligned columns like crash, records as "NAME: value" lines, text as is.
/// Absent cells print as a bracketed word and their reasons are listed under the table, so that columns stay
/// aligned and no reason is lost.
/// </summary>
public static class TextRenderer
{
    /// <summary>Renders a result to text (no trailing newline handling needed by callers: each line ends with \n).</summary>
    public static string Render(CommandResult result)
    {
        var text = new StringBuilder();
        bool first = true;
        foreach (var block in result.Blocks)
        {
            if (!first) text.Append('\n');
            first = false;
            if (block.Title is not null && block is not TextBlock) text.Append(block.Title).Append('\n');
            switch (block)
            {
                case TableBlock table: RenderTable(table, text); break;
                case RecordBlock record: RenderRecord(record, text); break;
                case TextBlock lines:
                    foreach (var line in lines.Lines) text.Append(line).Append('\n');
                    break;
            }
        }
        foreach (var warning in result.Warnings) text.Append("warning: ").Append(warning).Append('\n');
        if (result.Error is not null) text.Append("error: ").Append(result.Error).Append('\n');
        return text.ToString();
    }

    private static void RenderTable(TableBlock table, StringBuilder text)
    {
        if (table.TextFromRows)
        {
            foreach (var row in table.Rows)
            {
                if (row.Text is not null) text.Append(row.Text).Append('\n');
                if (row.Problem is not null) text.Append("  ^ ").Append(row.Problem).Append('\n');
            }
            return;
        }
        var cells = table.Rows.Select(r => r.Cells.Select(CellFormatter.Format).ToArray()).ToList();
        var widths = table.Columns.Select((c, i) => Math.Max(c.Name.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToArray();
        var line = new StringBuilder();
        void Emit(IReadOnlyList<string> values, bool header)
        {
            line.Clear();
            for (int i = 0; i < values.Count; i++)
            {
                bool last = i == values.Count - 1;
                bool right = !header && CellFormatter.RightAligned(table.Columns[i].Kind) || header && CellFormatter.RightAligned(table.Columns[i].Kind);
                var v = values[i];
                if (right) line.Append(v.PadLeft(widths[i]));
                else line.Append(last ? v : v.PadRight(widths[i]));
                if (!last) line.Append("  ");
            }
            text.Append(line.ToString().TrimEnd()).Append('\n');
        }
        Emit(table.Columns.Select(c => c.Name).ToArray(), header: true);
        var notes = new List<string>();
        for (int r = 0; r < table.Rows.Count; r++)
        {
            var row = table.Rows[r];
            Emit(cells[r], header: false);
            if (row.Problem is not null) text.Append("  ^ ").Append(row.Problem).Append('\n');
            for (int i = 0; i < row.Cells.Length; i++)
                if (row.Cells[i].Reason is { } reason && row.Cells[i].Absence != Absence.None)
                    notes.Add($"{cells[r][0]} {table.Columns[i].Name}: {reason}");
        }
        foreach (var note in notes.Distinct()) text.Append("  note: ").Append(note).Append('\n');
    }

    private static void RenderRecord(RecordBlock record, StringBuilder text)
    {
        int width = record.Fields.Count == 0 ? 0 : record.Fields.Max(f => f.Name.Length);
        foreach (var field in record.Fields)
        {
            var value = CellFormatter.Format(field.Value);
            if (field.Value.Absence != Absence.None && field.Value.Reason is { } reason) value += $" ({reason})";
            text.Append(field.Name.PadLeft(width)).Append(": ").Append(value).Append('\n');
        }
    }
}
