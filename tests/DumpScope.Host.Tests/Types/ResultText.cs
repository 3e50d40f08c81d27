namespace DumpScope.Host.Tests.Types;

/// <summary>Plain text of a command result for test messages, and look-ups of table rows by column value.</summary>
internal static class ResultText
{
    public static string Render(CommandResult result)
    {
        var lines = new List<string>();
        if (result.Error is not null) lines.Add("ERROR: " + result.Error);
        foreach (var block in result.Blocks)
        {
            if (block.Title is not null) lines.Add("== " + block.Title);
            switch (block)
            {
                case TextBlock text: lines.AddRange(text.Lines); break;
                case RecordBlock record: lines.AddRange(record.Fields.Select(f => $"{f.Name}: {Show(f.Value)}")); break;
                case TableBlock table:
                    lines.Add(string.Join(" | ", table.Columns.Select(c => c.Name)));
                    lines.AddRange(table.Rows.Select(r => string.Join(" | ", r.Cells.Select(Show))));
                    break;
            }
        }
        lines.AddRange(result.Warnings.Select(w => "WARNING: " + w));
        return string.Join('\n', lines);
    }

    public static string Show(Cell cell) => cell.Absence switch
    {
        Absence.None => cell.Kind is CellKind.Address or CellKind.Hex ? $"0x{cell.Value:x}" : Convert.ToString(cell.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
        Absence.NotApplicable => "-",
        _ => $"<{cell.Absence}: {cell.Reason}>",
    };

    /// <summary>The only table of a result.</summary>
    public static TableBlock Table(CommandResult result) => result.Blocks.OfType<TableBlock>().Single();

    /// <summary>The row whose column <paramref name="column"/> shows <paramref name="text"/> (trimmed).</summary>
    public static TableRow Row(CommandResult result, string column, string text)
    {
        var table = Table(result);
        int index = table.Columns.Select(c => c.Name).ToList().IndexOf(column);
        var row = table.Rows.FirstOrDefault(r => Show(r.Cells[index]).Trim() == text);
        row.Should().NotBeNull($"a row with {column} '{text}' is expected in\n{Render(result)}");
        return row!;
    }

    /// <summary>A cell of a row by column name.</summary>
    public static Cell Cell(CommandResult result, TableRow row, string column)
    {
        var table = Table(result);
        return row.Cells[table.Columns.Select(c => c.Name).ToList().IndexOf(column)];
    }
}
