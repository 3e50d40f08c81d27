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
    public bool Streams => true;

    /// <summary>
    /// Rows of a streamed table read before its column widths are fixed: a table that ends within them is written
    /// exactly as a whole one; a longer one is aligned on them and on the widths the command declared
    /// (<see cref="TableBlock.TextWidths"/>; a later, wider cell shifts its own line only) and its absence notes come
    /// after its last row instead of after the last row each concerns.
    /// </summary>
    public const int StreamWindow = 1000;

    /// <summary>Text is handed to the output in pieces of about this many characters while a table streams.</summary>
    private const int FlushAt = 32 * 1024;

    /// <inheritdoc/>
    public void Write(string commandLine, CommandResult result, TextWriter output, TextWriter errors)
    {
        if (!result.HasStreamedRows) output.Write(Render(result, withError: false));
        else
        {
            var text = new StringBuilder();
            RenderInto(result, text, output);
            output.Write(text);
            output.Flush();
        }
        if (result.Error is not null) errors.WriteLine($"error: {result.Error}");
    }

    /// <summary>Renders a result to text, each line ending with \n; the error last unless <paramref name="withError"/> is false.</summary>
    public static string Render(CommandResult result, bool withError = true)
    {
        var text = new StringBuilder();
        RenderInto(result, text, null);
        if (withError && result.Error is not null) text.Append("error: ").Append(result.Error).Append('\n');
        return text.ToString();
    }

    // With an output, streamed tables are written to it as their rows come (what is in `text` first); without one
    // (Render) they are read whole.
    private static void RenderInto(CommandResult result, StringBuilder text, TextWriter? output)
    {
        bool first = true;
        foreach (var block in result.UndrawnBlocks)
        {
            if (!first) text.Append('\n');
            first = false;
            if (block.Title is not null && block is not TextBlock) text.Append(block.Title).Append('\n');
            switch (block)
            {
                case TableBlock { IsStreamed: true } streamed when output is not null: StreamTable(streamed, text, output); break;
                case TableBlock table:
                    table.Materialize();
                    RenderTable(table, text);
                    break;
                case RecordBlock record: RenderRecord(record, text); break;
                case ChartBlock chart: RenderTable(ChartText.Table(chart), text); break;
                case TextBlock lines:
                    foreach (var line in lines.Lines) text.Append(line).Append('\n');
                    break;
            }
        }
        foreach (var warning in result.Warnings) text.Append("warning: ").Append(warning).Append('\n');
    }

    private static void Flush(StringBuilder text, TextWriter output)
    {
        output.Write(text);
        output.Flush();
        text.Clear();
    }

    /// <summary>A streamed table: up to <see cref="StreamWindow"/> rows fix the widths, then each row is written as it comes.</summary>
    private static void StreamTable(TableBlock table, StringBuilder text, TextWriter output)
    {
        // What came before is shown before the first row is asked for.
        Flush(text, output);
        if (table.TextFromRows)
        {
            foreach (var row in table.TakeRows())
            {
                if (row.Text is not null) text.Append(row.Text).Append('\n');
                if (row.Problem is not null) text.Append("  ^ ").Append(row.Problem).Append('\n');
                if (text.Length >= FlushAt) Flush(text, output);
            }
            return;
        }
        if (table.Columns.Any(c => c.Use == ColumnUse.Data)) table = table.For(ColumnUse.Text);
        using var rows = table.TakeRows().GetEnumerator();
        // One row past the window tells a table of exactly StreamWindow rows from a longer one.
        var window = new List<TableRow>();
        while (window.Count <= StreamWindow && rows.MoveNext()) window.Add(rows.Current);
        if (window.Count <= StreamWindow)
        {
            // The whole table is in the window: written as any table.
            var whole = new TableBlock([.. table.Columns]);
            whole.Rows.AddRange(window);
            RenderTable(whole, text);
            return;
        }
        var cells = window.Select(r => r.Cells.Select(c => CellFormatter.Format(c)).ToArray()).ToList();
        var declared = table.TextWidths;
        var widths = table.Columns.Select((c, i) => Math.Max(Math.Max(c.Name.Length, cells.Max(r => r[i].Length)), declared is not null && i < declared.Count ? declared[i] : 0)).ToArray();
        var right = table.Columns.Select(c => CellFormatter.RightAligned(c.Kind)).ToArray();
        var line = new StringBuilder();
        EmitLine(line, text, table.Columns.Select(c => c.Name).ToArray(), widths, right);
        var reasons = new List<StreamedReason>();
        var byReason = new Dictionary<string, StreamedReason>(StringComparer.Ordinal);
        int index = 0;
        void Row(TableRow row, string[] values)
        {
            EmitLine(line, text, values, widths, right);
            bool problemIsReason = false;
            for (int i = 0; i < row.Cells.Length; i++)
            {
                if (row.Cells[i].Absence == Absence.None || row.Cells[i].Reason is not { } reason) continue;
                if (!byReason.TryGetValue(reason, out var use)) reasons.Add(byReason[reason] = use = new StreamedReason(reason, values[0]));
                use.Add(index, values[0], table.Columns[i].Name);
                problemIsReason |= reason == row.Problem;
            }
            if (row.Problem is not null && !problemIsReason) text.Append("  ^ ").Append(row.Problem).Append('\n');
            index++;
            if (text.Length >= FlushAt) Flush(text, output);
        }
        for (int r = 0; r < window.Count; r++) Row(window[r], cells[r]);
        Flush(text, output);
        while (rows.MoveNext()) Row(rows.Current, rows.Current.Cells.Select(c => CellFormatter.Format(c)).ToArray());
        foreach (var reason in reasons) text.Append("  note: ").Append(reason.Where()).Append(": ").Append(reason.Reason).Append('\n');
    }

    /// <summary>An absence reason of a streamed table: where it was used, kept as the first and last rows' first cells and a count.</summary>
    private sealed class StreamedReason(string reason, string first)
    {
        private readonly string _first = first;
        private string _last = first;
        private int _rows;
        private int _lastRow = -1;
        private readonly List<string> _columns = [];

        public string Reason => reason;

        public void Add(int row, string firstCell, string column)
        {
            if (_lastRow != row) { _rows++; _lastRow = row; _last = firstCell; }
            if (!_columns.Contains(column)) _columns.Add(column);
        }

        public string Where() => _rows == 1 ? _columns.Count == 1 ? $"{_first} {_columns[0]}" : _first : $"{_first}…{_last} ({_rows} rows)";
    }

    /// <summary>One line of an aligned table: padding appended, not made as strings, and the line trimmed in place (100,000 ps rows).</summary>
    private static void EmitLine(StringBuilder line, StringBuilder text, IReadOnlyList<string> values, int[] widths, bool[] right)
    {
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
        void Emit(IReadOnlyList<string> values) => EmitLine(line, text, values, widths, right);
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
