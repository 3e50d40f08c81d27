using DumpScope.Host.Rendering;
using Terminal.Gui.Views;

namespace DumpScope.Tui.Model;

/// <summary>
/// Adapts a <see cref="TableBlock"/> or a <see cref="RecordBlock"/> to Terminal.Gui's <see cref="ITableSource"/>, with
/// filtering, numeric-aware sorting, a marker column for rows that carry a problem, integers in hex on request, and
/// a struct's members as a tree of nested structs and arrays (while no filter or sort is in force).
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
    private readonly MemberTree? _tree;
    private readonly int _pathColumn = -1;
    private List<RowModel> _visible;
    private List<MemberEntry>? _visibleEntries;
    private string[]? _headers;
    private bool? _hasIntegers;

    private TableBlockModel(string title, string[] names, CellKind[] kinds, List<RowModel> rows, bool hasMarker, bool isRecord = false, int pathColumn = -1)
        : base(title)
    {
        IsRecord = isRecord;
        _names = names;
        _kinds = kinds;
        _all = rows;
        _visible = rows;
        HasMarkerColumn = hasMarker;
        if (pathColumn >= 0)
        {
            _pathColumn = pathColumn;
            _tree = MemberTree.Build(rows, pathColumn, names.Length);
            Refilter();
        }
    }

    /// <summary>A model over a table; a marker column comes first when any row has a problem.</summary>
    public static TableBlockModel FromTable(TableBlock table, string title, CancellationToken cancellation = default)
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
            // A result of a million rows takes seconds to turn into texts: Esc must stop it here too.
            if ((rows.Count & 0xfff) == 0)
                cancellation.ThrowIfCancellationRequested();
            var cells = new Cell?[names.Length];
            var texts = new string[names.Length];
            if (hasMarker)
                texts[0] = row.Problem is null ? "" : MarkerHeader;
            for (var i = 0; i < row.Cells.Length && i + offset < names.Length; i++)
            {
                cells[i + offset] = row.Cells[i];
                texts[i + offset] = CellFormatter.Format(row.Cells[i], CellFormatter.ReasonWidth);
            }
            for (var i = 0; i < texts.Length; i++)
                texts[i] ??= "";
            rows.Add(new RowModel(cells, texts, Runnable(row.Targets), row.Problem, rows.Count));
        }
        var pathColumn = table.MemberPathColumn is { } pathName ? Array.IndexOf(names, pathName) : -1;
        return new TableBlockModel(title, names, kinds, rows, hasMarker, pathColumn: pathColumn);
    }

    /// <summary>A two-column model (FIELD, VALUE) over a record; a field without its own target leads where the record does.</summary>
    public static TableBlockModel FromRecord(RecordBlock record, string title)
    {
        var rows = new List<RowModel>(record.Fields.Count);
        foreach (var field in record.Fields)
        {
            var targets = Runnable(field.Target is { } t ? new[] { t }.Concat(record.Targets) : record.Targets);
            var name = Cell.Text(field.Name);
            rows.Add(new RowModel([name, field.Value], [field.Name, CellFormatter.Format(field.Value, CellFormatter.ReasonWidth)], targets, null, rows.Count));
        }
        return new TableBlockModel(title, ["FIELD", "VALUE"], [CellKind.Text, CellKind.Text], rows, hasMarker: false, isRecord: true);
    }

    /// <summary>
    /// The targets Enter can follow: a typed target the host could not resolve to a loaded command has no command
    /// line and is not offered.
    /// </summary>
    private static NavigationTarget[] Runnable(IEnumerable<NavigationTarget> targets) =>
        targets.Where(t => !string.IsNullOrWhiteSpace(t.Command)).ToArray();

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

    /// <summary>True when the rows are a struct's members shown as a tree (no filter, no sort in force).</summary>
    public bool IsTree => _visibleEntries is not null;

    /// <summary>True when the table has member paths that can be shown as a tree.</summary>
    public bool HasTree => _tree is not null;

    /// <summary>True when integer cells show in hex.</summary>
    public bool ShowHex { get; set; }

    /// <summary>True when some cell holds an integer (the hex toggle applies; a struct's VALUE column mixes kinds).</summary>
    public bool HasIntegers => _hasIntegers ??= _all.Any(r => r.Cells.Any(c => c is { Kind: CellKind.Integer, HasValue: true }));

    /// <inheritdoc/>
    public object this[int row, int col]
    {
        get
        {
            if (_visibleEntries is { } entries && col == _pathColumn)
                return _tree!.Label(entries[row]);
            var model = _visible[row];
            if (ShowHex && model.Cells[col] is { Kind: CellKind.Integer, Value: long or ulong } cell)
                return CellFormatter.Format(Cell.Hex(cell.Value is long l ? unchecked((ulong)l) : (ulong)cell.Value), CellFormatter.ReasonWidth);
            return model.Texts[col];
        }
    }

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

    /// <summary>True when the visible row at <paramref name="row"/> is a nested struct or array of the tree.</summary>
    public bool IsGroup(int row) => _visibleEntries is { } entries && row >= 0 && row < entries.Count && entries[row].IsGroup;

    /// <summary>
    /// Opens or closes the group at <paramref name="row"/>; on a member, closes the group that holds it. Returns the
    /// visible row the cursor belongs on afterwards.
    /// </summary>
    public int Fold(int row)
    {
        if (_visibleEntries is not { } entries || row < 0 || row >= entries.Count)
            return row;
        var entry = entries[row];
        if (!entry.IsGroup)
        {
            var parent = MemberTree.Prefixes(entry.Path) is { Count: > 0 } prefixes ? prefixes[^1] : null;
            if (parent is null || !_tree!.IsOpen(parent))
                return row;
            entry = entries.First(e => e.IsGroup && e.Path == parent);
        }
        _tree!.Toggle(entry.Path);
        Refilter();
        return _visibleEntries!.IndexOf(entry);
    }

    /// <summary>Opens or closes every group of the tree.</summary>
    public void FoldAll(bool open)
    {
        if (_tree is null)
            return;
        _tree.SetAll(open);
        Refilter();
    }

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
        if (_tree is not null && Filter.Length == 0 && SortColumn is null)
        {
            _visibleEntries = _tree.Visible();
            _visible = _visibleEntries.Select(e => e.Row).ToList();
            return;
        }
        _visibleEntries = null;
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
