using DumpScope.Sdk.Commands;
using Terminal.Gui.Views;

namespace DumpScope.Tui.Model;

/// <summary>
/// Adapts a <see cref="TableBlock"/> or a <see cref="RecordBlock"/> to Terminal.Gui's <see cref="ITableSource"/>, with
/// filtering, numeric-aware sorting and a marker column for rows that carry a problem.
/// </summary>
internal sealed class TableBlockModel : BlockModel, ITableSource
{
    /// <summary>Header of the marker column shown when any row has a problem.</summary>
    public const string MarkerHeader = "!";

    private const string SortAscending = " ▲";
    private const string SortDescending = " ▼";

    private readonly string[] _names;
    private readonly CellKind[] _kinds;
    private readonly List<RowModel> _all;
    private List<RowModel> _visible;
    private string[]? _headers;

    private TableBlockModel(string title, string[] names, CellKind[] kinds, List<RowModel> rows, bool hasMarker, bool isRecord = false)
        : base(title)
    {
        IsRecord = isRecord;
        _names = names;
        _kinds = kinds;
        _all = rows;
        _visible = rows;
        HasMarkerColumn = hasMarker;
    }

    /// <summary>A model over a table; a marker column comes first when any row has a problem.</summary>
    public static TableBlockModel FromTable(TableBlock table, string title)
    {
        var hasMarker = table.Rows.Any(r => r.Problem is not null);
        var offset = hasMarker ? 1 : 0;
        var names = new string[table.Columns.Count + offset];
        var kinds = new CellKind[names.Length];
        if (hasMarker)
        {
            names[0] = MarkerHeader;
            kinds[0] = CellKind.Text;
        }
        for (var i = 0; i < table.Columns.Count; i++)
        {
            names[i + offset] = table.Columns[i].Name;
            kinds[i + offset] = table.Columns[i].Kind;
        }
        var rows = new List<RowModel>(table.Rows.Count);
        foreach (var row in table.Rows)
        {
            var cells = new Cell?[names.Length];
            var texts = new string[names.Length];
            if (hasMarker)
                texts[0] = row.Problem is null ? "" : MarkerHeader;
            for (var i = 0; i < row.Cells.Length && i + offset < names.Length; i++)
            {
                cells[i + offset] = row.Cells[i];
                texts[i + offset] = CellText.Format(row.Cells[i]);
            }
            for (var i = 0; i < texts.Length; i++)
                texts[i] ??= "";
            rows.Add(new RowModel(cells, texts, row.Targets.ToArray(), row.Problem, rows.Count));
        }
        return new TableBlockModel(title, names, kinds, rows, hasMarker);
    }

    /// <summary>A two-column model (FIELD, VALUE) over a record; a field without its own target leads where the record does.</summary>
    public static TableBlockModel FromRecord(RecordBlock record, string title)
    {
        var rows = new List<RowModel>(record.Fields.Count);
        foreach (var field in record.Fields)
        {
            var targets = field.Target is { } t ? new[] { t }.Concat(record.Targets).ToArray() : record.Targets.ToArray();
            var name = Cell.Text(field.Name);
            rows.Add(new RowModel([name, field.Value], [field.Name, CellText.Format(field.Value)], targets, null, rows.Count));
        }
        return new TableBlockModel(title, ["FIELD", "VALUE"], [CellKind.Text, CellKind.Text], rows, hasMarker: false, isRecord: true);
    }

    /// <summary>True when the model shows a record's fields rather than a table's rows.</summary>
    public bool IsRecord { get; }

    /// <summary>True when column 0 is the TUI's problem marker.</summary>
    public bool HasMarkerColumn { get; }

    /// <summary>The column the rows are sorted by, or null for the command's own order.</summary>
    public int? SortColumn { get; private set; }

    /// <summary>True when sorted high to low.</summary>
    public bool SortIsDescending { get; private set; }

    /// <summary>Rows before filtering.</summary>
    public int TotalRows => _all.Count;

    /// <summary>The cursor (column, row) remembered when the page is left, restored when it comes back.</summary>
    public System.Drawing.Point Cursor { get; set; }

    /// <inheritdoc/>
    public object this[int row, int col] => _visible[row].Texts[col];

    /// <inheritdoc/>
    public string[] ColumnNames => _headers ??= _names.Select((n, i) => i != SortColumn ? n : n + (SortIsDescending ? SortDescending : SortAscending)).ToArray();

    /// <inheritdoc/>
    public int Columns => _names.Length;

    /// <inheritdoc/>
    public int Rows => _visible.Count;

    /// <summary>The plain header of a column (without the sort indicator).</summary>
    public string ColumnName(int column) => _names[column];

    /// <summary>How a column's cells are formatted.</summary>
    public CellKind KindOf(int column) => _kinds[column];

    /// <summary>The visible row at <paramref name="row"/>.</summary>
    public RowModel RowAt(int row) => _visible[row];

    /// <summary>Where the visible index of <paramref name="model"/> is now, or -1 when filtered out.</summary>
    public int IndexOf(RowModel model) => _visible.IndexOf(model);

    /// <summary>
    /// Sorts by <paramref name="column"/>: a new column sorts ascending, the same column again descending, a third
    /// time restores the command's own order.
    /// </summary>
    public void SortBy(int column)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, _names.Length);
        if (SortColumn != column)
        {
            SortColumn = column;
            SortIsDescending = false;
        }
        else if (!SortIsDescending)
        {
            SortIsDescending = true;
        }
        else
        {
            SortColumn = null;
            SortIsDescending = false;
        }
        Refilter();
    }

    /// <summary>Sets the sort directly (used when a page is restored).</summary>
    public void SetSort(int? column, bool descending)
    {
        SortColumn = column;
        SortIsDescending = column is not null && descending;
        Refilter();
    }

    /// <inheritdoc/>
    protected override void Refilter()
    {
        // The table view asks for the headers on every draw: they are rebuilt only when the sort changes.
        _headers = null;
        IEnumerable<RowModel> rows = Filter.Length == 0 ? _all : _all.Where(r => Matches(r.SearchText));
        if (SortColumn is { } col)
        {
            var list = rows.ToList();
            var keys = new SortKey[list.Count];
            for (var i = 0; i < keys.Length; i++)
                keys[i] = SortKey.Of(list[i], col);
            var order = new int[keys.Length];
            for (var i = 0; i < order.Length; i++)
                order[i] = i;
            var descending = SortIsDescending;
            // Keys are computed once per row: comparing typed cells directly costs a copy and an unboxing per comparison.
            Array.Sort(order, (x, y) =>
            {
                var c = SortKey.Compare(keys[x], keys[y], descending);
                return c != 0 ? c : list[x].Index.CompareTo(list[y].Index);
            });
            var sorted = new List<RowModel>(order.Length);
            foreach (var i in order)
                sorted.Add(list[i]);
            _visible = sorted;
        }
        else
        {
            _visible = rows as List<RowModel> ?? rows.ToList();
        }
    }
}
