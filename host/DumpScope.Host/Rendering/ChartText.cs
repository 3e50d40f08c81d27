namespace DumpScope.Host.Rendering;

/// <summary>
/// A chart for outputs that cannot draw: its table (<see cref="ChartBlock.ToTable"/>) plus, for people, a column
/// of '#' bars scaled to the largest value (stacked charts: the label's total; pies: the share of the whole).
/// </summary>
public static class ChartText
{
    /// <summary>Widest bar, in characters.</summary>
    public const int BarWidth = 40;

    /// <summary>The chart's table with a text-only BAR column.</summary>
    public static TableBlock Table(ChartBlock chart)
    {
        var data = chart.ToTable();
        var totals = Enumerable.Range(0, chart.Labels.Count)
            .Select(i => chart.Kind == ChartKind.StackedBar ? chart.Series.Sum(s => Math.Max(0, s.Values[i])) : Math.Max(0, chart.Series[0].Values[i]))
            .ToArray();
        double max = totals.Length == 0 ? 0 : totals.Max();
        double whole = totals.Sum();
        var columns = data.Columns.Append(new Column("", CellKind.Text, "bar") { Use = ColumnUse.Text });
        if (chart.Kind == ChartKind.Pie) columns = columns.Append(new Column("SHARE", CellKind.Percent, "share") { Use = ColumnUse.Text });
        var table = new TableBlock(columns.ToArray()) { Title = chart.Title };
        for (int i = 0; i < data.Rows.Count; i++)
        {
            int width = max <= 0 ? 0 : (int)Math.Round(totals[i] / max * BarWidth);
            if (width == 0 && totals[i] > 0) width = 1;
            Cell[] cells = [.. data.Rows[i].Cells, Cell.Text(new string('#', width))];
            if (chart.Kind == ChartKind.Pie) cells = [.. cells, Cell.Percent(whole > 0 ? totals[i] * 100 / whole : 0)];
            table.AddRow(cells);
        }
        return table;
    }
}
