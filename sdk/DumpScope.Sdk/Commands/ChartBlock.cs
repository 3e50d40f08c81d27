namespace DumpScope.Sdk.Commands;

/// <summary>How a <see cref="ChartBlock"/> is drawn.</summary>
public enum ChartKind
{
    /// <summary>One bar per label (grouped when there are several series).</summary>
    Bar,
    /// <summary>Slices of one whole: one series, one slice per label.</summary>
    Pie,
    /// <summary>One bar per label, the series stacked on each other (parts of each label's total).</summary>
    StackedBar,
}

/// <summary>A named row of numbers, one per label of its chart.</summary>
/// <param name="Name">The series' name ("objects", "bytes").</param>
/// <param name="Values">One value per label, in label order.</param>
public sealed record ChartSeries(string Name, IReadOnlyList<double> Values)
{
    /// <summary>Stable JSON/CSV key; defaults to the snake_case of <see cref="Name"/>.</summary>
    public string? Key { get; init; }

    /// <summary>The JSON/CSV key.</summary>
    public string JsonKey => Key ?? Column.SnakeCase(Name);
}

/// <summary>
/// Numbers people would rather look at than read: labels (categories) and one or more series of values. The HTML
/// output draws it; text, JSON, CSV and the terminal UI show it as data (<see cref="ToTable"/>), so a chart never
/// holds anything the other outputs lose. A command adds a chart beside the table it summarises, not instead of it.
/// </summary>
public sealed class ChartBlock : ResultBlock
{
    /// <summary>Creates a chart; every series must have one value per label.</summary>
    public ChartBlock(ChartKind kind, IEnumerable<string> labels, params ChartSeries[] series)
    {
        Kind = kind;
        Labels = labels.ToArray();
        if (series.Length == 0) throw new ArgumentException("a chart needs at least one series", nameof(series));
        foreach (var s in series)
            if (s.Values.Count != Labels.Count)
                throw new ArgumentException($"series '{s.Name}' has {s.Values.Count} values, the chart has {Labels.Count} labels", nameof(series));
        if (kind == ChartKind.Pie && series.Length != 1) throw new ArgumentException("a pie chart has exactly one series", nameof(series));
        Series = series;
    }

    /// <summary>How it is drawn.</summary>
    public ChartKind Kind { get; }

    /// <summary>The categories, in order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The series, each with one value per label.</summary>
    public IReadOnlyList<ChartSeries> Series { get; }

    /// <summary>How values are formatted where they are printed: <see cref="CellKind.Size"/> for bytes, else integers or percentages.</summary>
    public CellKind ValueKind { get; init; } = CellKind.Integer;

    /// <summary>
    /// True for a picture of numbers the result already shows elsewhere (its findings, a summary record): only
    /// outputs that draw (HTML) show it, so a one-page text result stays one page. See <see cref="CommandResult.UndrawnBlocks"/>.
    /// </summary>
    public bool OnlyWhereDrawn { get; init; }

    /// <summary>The name of the label axis ("cache", "state"), also the label column's name in <see cref="ToTable"/>.</summary>
    public string LabelName { get; init; } = "label";

    /// <summary>The chart as a table: a label column and one column per series, cells of <see cref="ValueKind"/>.</summary>
    public TableBlock ToTable()
    {
        var columns = new List<Column> { new(LabelName.ToUpperInvariant(), CellKind.Text, Column.SnakeCase(LabelName)) };
        columns.AddRange(Series.Select(s => new Column(s.Name.ToUpperInvariant(), ValueKind, s.JsonKey)));
        var table = new TableBlock(columns.ToArray()) { Title = Title };
        for (int i = 0; i < Labels.Count; i++)
            table.AddRow([Cell.Text(Labels[i]), .. Series.Select(s => ValueCell(s.Values[i]))]);
        return table;
    }

    private Cell ValueCell(double value) => ValueKind switch
    {
        CellKind.Percent => Cell.Percent(value),
        CellKind.Size when value >= 0 => Cell.Size((ulong)value),
        _ => Cell.Int((long)Math.Round(value)),
    };
}
