namespace DumpScope.Host.Rendering;

/// <summary>
/// Tables as RFC 4180 CSV: a header of column keys, then one line per row with raw values (sizes and counts as
/// numbers, addresses as 0x-hex, absent values empty). Several tables are separated by an empty line; a record
/// is a two-column table (key, value); text blocks and warnings go to the error stream so the data stays CSV.
/// </summary>
public sealed class CsvRenderer : IResultRenderer
{
    /// <inheritdoc/>
    public bool EchoesCommands => false;

    /// <inheritdoc/>
    public bool Streams => true;

    /// <inheritdoc/>
    public void Write(string commandLine, CommandResult result, TextWriter output, TextWriter errors)
    {
        bool first = true;
        foreach (var block in result.UndrawnBlocks)
        {
            switch (block is TextBlock { Entries: { } entries } ? entries : block is ChartBlock chart ? chart.ToTable() : block)
            {
                case TableBlock whole:
                    var table = whole.For(ColumnUse.Data);
                    Separate(ref first, output);
                    WriteLine(output, table.Columns.Select(c => c.JsonKey));
                    foreach (var row in table.TakeRows()) WriteLine(output, row.Cells.Select(Raw));
                    break;
                case RecordBlock record:
                    Separate(ref first, output);
                    WriteLine(output, ["key", "value"]);
                    foreach (var field in record.Fields) WriteLine(output, [field.JsonKey, Raw(field.Value)]);
                    break;
                case TextBlock text:
                    foreach (var line in text.Lines) errors.WriteLine(line);
                    break;
            }
        }
        foreach (var warning in result.Warnings) errors.WriteLine($"warning: {warning}");
        if (result.Error is not null) errors.WriteLine($"error: {result.Error}");
    }

    private static void Separate(ref bool first, TextWriter output)
    {
        if (!first) output.WriteLine();
        first = false;
    }

    /// <summary>A cell's raw value: what JSON would hold, as text.</summary>
    internal static string Raw(Cell cell)
    {
        if (!cell.HasValue) return "";
        return (cell.Kind, cell.Value) switch
        {
            (CellKind.List, IReadOnlyList<Cell> items) => string.Join(' ', items.Select(item => Raw(item))),
            (CellKind.Address or CellKind.Hex, ulong a) => "0x" + a.ToString("x", CultureInfo.InvariantCulture),
            (_, double d) => Math.Round(d, 4).ToString(CultureInfo.InvariantCulture),
            (_, bool b) => b ? "true" : "false",
            _ => Convert.ToString(cell.Value, CultureInfo.InvariantCulture) ?? "",
        };
    }

    private static void WriteLine(TextWriter output, IEnumerable<string> fields)
    {
        output.Write(string.Join(',', fields.Select(Quote)));
        output.Write("\r\n");
    }

    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;
}
