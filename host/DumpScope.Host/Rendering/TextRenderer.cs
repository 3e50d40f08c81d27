namespace DumpScope.Host.Rendering;

/// <summary>
/// Renders results as text: tables in aligned columns like crash, records as "NAME: value" lines, text as is.
/// Absent cells print as a bracketed word and each distinct reason is listed once, after the last row it
/// concerns, so that columns stay aligned and no reason is lost or repeated.
/// </summary>
public sealed class TextRenderer : IResultRenderer
{
    /// <inheritdoc/>
    public bool EchoesCommands => true;

    /// <inheritdoc/>
    public void Write(string commandLine, CommandResult result, TextWriter output, TextWriter errors)
    {
        output.Write(Render(result, withError: false));
        if (result.Error is not null) errors.WriteLine($"error: {result.Error}");
    }

    /// <summary>Renders a result to text, each line ending with \n; the error last unless <paramref name="withError"/> is false.</summary>
    public static string Render(CommandResult result, bool withError = true)
    {
        var text = new StringBuilder();
        bool first = true;
        foreach (var block in result.UndrawnBlocks)
        {
            if (!first) text.Append('\n');
            first = false;
            if (block.Title is not null && block is not TextBlock) text.Append(block.Title).Append('\n');
            switch (block)
            {
                case TableBlock table: RenderTable(table, text); break;
                case RecordBlock record: RenderRecord(record, text); break;
                case ChartBlock chart: RenderTable(ChartText.Table(chart), text); break;
                case TextBlock lines:
                    foreach (var line in lines.Lines) text.Append(line).Append('\n');
                    break;
            }
        }
        foreach (var warning in result.Warnings) text.Append("warning: ").Append(warning).Append('\n');
        if (withError && result.Error is not null) text.Append("error: ").Append(result.Error).Append('\n');
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
        if (table.Columns.Any(c => c.Use == ColumnUse.Data)) table = table.For(ColumnUse.Text);
        var cells = table.Rows.Select(r => r.Cells.Select(c => CellFormatter.Format(c)).ToArray()).ToList();
        var widths = table.Columns.Select((c, i) => Math.Max(c.Name.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToArray();
        var line = new StringBuilder();
        var right = table.Columns.Select(c => CellFormatter.RightAligned(c.Kind)).ToArray();
        void Emit(IReadOnlyList<string> values)
        {
            // Padding is appended, not made as strings, and the line trimmed in place: 100,000 ps rows.
            line.Clear();
            for (int i = 0; i < values.Count; i++)
            {
                bool last = i == values.Count - 1;
                var v = values[i];
                int pad = Math.Max(0, widths[i] - v.Length);
                if (right[i]) line.Append(' ', pad).Append(v);
                else
                {
                    line.Append(v);
                    if (!last) line.Append(' ', pad);
                }
                if (!last) line.Append("  ");
            }
            int end = line.Length;
            while (end > 0 && char.IsWhiteSpace(line[end - 1])) end--;
            line.Length = end;
            text.Append(line).Append('\n');
        }
        Emit(table.Columns.Select(c => c.Name).ToArray());
        var reasons = Reasons(table, cells);
        for (int r = 0; r < table.Rows.Count; r++)
        {
            var row = table.Rows[r];
            Emit(cells[r]);
            if (row.Problem is not null && !reasons.Any(x => x.Reason == row.Problem && x.Rows.Contains(r)))
                text.Append("  ^ ").Append(row.Problem).Append('\n');
            foreach (var reason in reasons.Where(x => x.Rows[^1] == r))
                text.Append("  note: ").Append(reason.Where(cells)).Append(": ").Append(reason.Reason).Append('\n');
        }
    }

    /// <summary>Each distinct absence reason of a table with the rows and columns it concerns, in order of first use.</summary>
    private static List<ReasonUse> Reasons(TableBlock table, List<string[]> cells)
    {
        var uses = new List<ReasonUse>();
        var byReason = new Dictionary<string, ReasonUse>(StringComparer.Ordinal);
        for (int r = 0; r < table.Rows.Count; r++)
        {
            var row = table.Rows[r];
            for (int i = 0; i < row.Cells.Length; i++)
            {
                if (row.Cells[i].Absence == Absence.None || row.Cells[i].Reason is not { } reason) continue;
                if (!byReason.TryGetValue(reason, out var use))
                {
                    use = new ReasonUse(reason, [], []);
                    byReason[reason] = use;
                    uses.Add(use);
                }
                if (use.Rows.Count == 0 || use.Rows[^1] != r) use.Rows.Add(r);
                if (!use.Columns.Contains(table.Columns[i].Name)) use.Columns.Add(table.Columns[i].Name);
            }
        }
        return uses;
    }

    private sealed record ReasonUse(string Reason, List<int> Rows, List<string> Columns)
    {
        /// <summary>"ffff8880 OBJSIZE" for one cell; "ffff8880…ffff88f0 (16 rows)" for several rows.</summary>
        public string Where(List<string[]> cells)
        {
            var first = cells[Rows[0]][0];
            if (Rows.Count == 1) return Columns.Count == 1 ? $"{first} {Columns[0]}" : first;
            return $"{first}…{cells[Rows[^1]][0]} ({Rows.Count} rows)";
        }
    }

    private static void RenderRecord(RecordBlock record, StringBuilder text)
    {
        int width = record.Fields.Count == 0 ? 0 : record.Fields.Max(f => f.Name.Length);
        foreach (var field in record.Fields)
            text.Append(field.Name.PadLeft(width)).Append(": ").Append(CellFormatter.FormatFull(field.Value)).Append('\n');
    }
}
