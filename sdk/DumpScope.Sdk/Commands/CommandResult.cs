namespace DumpScope.Sdk.Commands;

/// <summary>
/// What a command returns: blocks of data (tables, records, text), warnings, and an error when it failed.
/// Renderers (text, JSON, TUI) format it; commands never format for a particular output.
/// </summary>
public sealed class CommandResult
{
    /// <summary>The data blocks in order.</summary>
    public List<ResultBlock> Blocks { get; } = [];

    /// <summary>
    /// The blocks an output that cannot draw shows (text, JSON, CSV, the terminal UI): all but the charts marked
    /// <see cref="ChartBlock.OnlyWhereDrawn"/>, whose numbers other blocks already hold.
    /// </summary>
    public IEnumerable<ResultBlock> UndrawnBlocks => Blocks.Where(b => b is not ChartBlock { OnlyWhereDrawn: true });

    /// <summary>Problems that did not stop the command (a cache marked unreadable, a list cut by a cycle).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Why the command failed, or null when it succeeded.</summary>
    public string? Error { get; set; }

    /// <summary>True when the command failed.</summary>
    public bool Failed => Error is not null;

    /// <summary>A failed result.</summary>
    public static CommandResult Fail(string error) => new() { Error = error };

    /// <summary>A result of one text block.</summary>
    public static CommandResult FromText(params string[] lines)
    {
        var result = new CommandResult();
        result.Blocks.Add(new TextBlock(lines));
        return result;
    }

    /// <summary>Adds a block and returns it.</summary>
    public T Add<T>(T block) where T : ResultBlock
    {
        Blocks.Add(block);
        return block;
    }

    /// <summary>True when a table's rows are still to be produced (<see cref="TableBlock.Streamed"/>).</summary>
    public bool HasStreamedRows => Blocks.Any(b => b is TableBlock { IsStreamed: true });

    /// <summary>
    /// Produces the rows of every streamed table into <see cref="TableBlock.Rows"/>, so the result holds everything (what
    /// callers that do not stream see). A row source that throws ends its table there; the exception propagates.
    /// </summary>
    public void Materialize()
    {
        foreach (var block in Blocks)
            if (block is TableBlock table) table.Materialize();
    }
}

/// <summary>A part of a result.</summary>
public abstract class ResultBlock
{
    /// <summary>Optional title ("CPU 0 KMEM_CACHE_CPU").</summary>
    public string? Title { get; init; }
}

/// <summary>Lines of text (for output that is prose, like a log).</summary>
public sealed class TextBlock(IEnumerable<string> lines) : ResultBlock
{
    /// <summary>The lines.</summary>
    public List<string> Lines { get; } = lines.ToList();

    /// <summary>
    /// The same content as typed records (a log's entries: timestamp, level, text), or null. Text output shows
    /// <see cref="Lines"/>; JSON and CSV give these entries instead, so a script does not parse the lines.
    /// </summary>
    public TableBlock? Entries { get; init; }
}

/// <summary>A table column: a name and how its cells are formatted.</summary>
/// <param name="Name">Header as printed ("OBJSIZE").</param>
/// <param name="Kind">How cells are formatted and aligned.</param>
/// <param name="Key">Stable JSON field name; defaults to the lower-cased name.</param>
public sealed record Column(string Name, CellKind Kind = CellKind.Text, string? Key = null)
{
    /// <summary>Which outputs show the column: a tree drawn for people is text only, its depth is data only.</summary>
    public ColumnUse Use { get; init; } = ColumnUse.Everywhere;

    /// <summary>The JSON field name.</summary>
    public string JsonKey => Key ?? SnakeCase(Name);

    /// <summary>
    /// A display label as a snake_case key: lower case, "%" as "p", every other run of non-alphanumerics one "_"
    /// ("LOAD AVERAGE" → "load_average", "vsz (KiB)" → "vsz_kib", "%MEM" → "pmem").
    /// </summary>
    public static string SnakeCase(string label)
    {
        var key = new System.Text.StringBuilder(label.Length);
        foreach (var c in label)
        {
            if (char.IsLetterOrDigit(c)) key.Append(char.ToLowerInvariant(c));
            else if (c == '%') key.Append('p');
            else if (key.Length > 0 && key[^1] != '_') key.Append('_');
        }
        while (key.Length > 0 && key[^1] == '_') key.Length--;
        return key.Length == 0 ? "value" : key.ToString();
    }
}

/// <summary>Which outputs show a column.</summary>
public enum ColumnUse
{
    /// <summary>Text and data outputs alike.</summary>
    Everywhere,
    /// <summary>Only where people read it (text, the terminal UI): ASCII tree branches, a name decorated for reading.</summary>
    Text,
    /// <summary>Only in data outputs (JSON, CSV): the depth and plain name behind a drawn tree.</summary>
    Data,
}

/// <summary>A table: typed columns and rows.</summary>
public sealed class TableBlock : ResultBlock
{
    /// <summary>Creates a table with columns.</summary>
    public TableBlock(params Column[] columns) => Columns = columns;

    /// <summary>The columns.</summary>
    public IReadOnlyList<Column> Columns { get; }

    /// <summary>The rows.</summary>
    public List<TableRow> Rows { get; } = [];

    /// <summary>
    /// When set, text output prints each row's <see cref="TableRow.Text"/> (a tool's own line format, like crash's
    /// bt frames) instead of aligned columns; JSON and table views still use the cells.
    /// </summary>
    public bool TextFromRows { get; init; }

    /// <summary>
    /// The name of a text column whose cells are member paths of one object ("se.avg.load_sum", "pids[0].node"),
    /// in depth-first order, or null. A front end may show such rows as a tree of nested structs and arrays.
    /// </summary>
    public string? MemberPathColumn { get; init; }

    /// <summary>Adds a row of cells and returns it.</summary>
    public TableRow AddRow(params Cell[] cells)
    {
        var row = NewRow(cells);
        Rows.Add(row);
        return row;
    }

    /// <summary>A row of cells for this table, not added (for a streamed table's rows).</summary>
    public TableRow NewRow(params Cell[] cells)
    {
        if (cells.Length != Columns.Count)
            throw new ArgumentException($"row has {cells.Length} cells, table has {Columns.Count} columns");
        return new TableRow(cells);
    }

    private IEnumerable<TableRow>? _source;

    /// <summary>
    /// Makes the table streamed: its rows are <paramref name="rows"/>, produced lazily while the result is written
    /// (text, JSON, CSV write each row as it comes, so the first rows show before the last is read and memory does not
    /// grow with the table), once. The enumeration runs after <see cref="ICommand.Execute"/> returned: it must observe
    /// the command's cancellation token itself and may add to the result's warnings (written after the blocks). A
    /// caller that wants every row (tests, the terminal UI) gets them in <see cref="Rows"/> from the host, which
    /// materializes streamed tables unless its output streams. Rows added with <see cref="AddRow"/> come first.
    /// </summary>
    public TableBlock Streamed(IEnumerable<TableRow> rows)
    {
        _source = rows;
        return this;
    }

    /// <summary>
    /// For a streamed table: the width of each column's widest cell as text, where the command knows it before the rows
    /// are made (0 where it does not), e.g. from an earlier pass over the same data. Text output aligns a streamed
    /// table longer than its first window on these and the window's cells, so it is the same as the whole table's.
    /// Read when the table's rows start to be written: a streamed table before it may set it.
    /// </summary>
    public IReadOnlyList<int>? TextWidths { get; set; }

    /// <summary>True while the table has rows still to be produced.</summary>
    public bool IsStreamed => _source is not null;

    /// <summary>
    /// The table's rows, for a writer that streams: the rows already held, then the streamed ones as they are
    /// produced (not kept). Once only: afterwards the table is no longer streamed.
    /// </summary>
    public IEnumerable<TableRow> TakeRows()
    {
        var source = _source;
        _source = null;
        return source is null ? Rows : Rows.Concat(Checked(source));
    }

    /// <summary>Wraps the streamed rows (the host resolves each row's targets as it passes); no-op when not streamed.</summary>
    public void MapStream(Func<IEnumerable<TableRow>, IEnumerable<TableRow>> map)
    {
        if (_source is not null) _source = map(_source);
    }

    /// <summary>Produces the streamed rows into <see cref="Rows"/>.</summary>
    public void Materialize()
    {
        var source = _source;
        _source = null;
        if (source is not null) Rows.AddRange(Checked(source));
    }

    private IEnumerable<TableRow> Checked(IEnumerable<TableRow> rows)
    {
        foreach (var row in rows)
        {
            if (row.Cells.Length != Columns.Count)
                throw new InvalidOperationException($"a streamed row has {row.Cells.Length} cells, table has {Columns.Count} columns");
            yield return row;
        }
    }
}

/// <summary>A table row: cells, where Enter leads, and a problem marker.</summary>
public sealed class TableRow(Cell[] cells)
{
    /// <summary>Cells, one per column.</summary>
    public Cell[] Cells { get; } = cells;

    /// <summary>Where this row leads (first is the default for Enter).</summary>
    public List<NavigationTarget> Targets { get; } = [];

    /// <summary>What is wrong with this row's entry, when something is ("name unreadable: page excluded…").</summary>
    public string? Problem { get; set; }

    /// <summary>The row as text lines, for tables with <see cref="TableBlock.TextFromRows"/> (may hold several lines).</summary>
    public string? Text { get; set; }

    /// <summary>Adds a navigation target and returns the row.</summary>
    public TableRow WithTarget(string label, string command)
    {
        Targets.Add(new NavigationTarget(label, command));
        return this;
    }

    /// <summary>Adds a typed navigation target (the host picks the loaded command that shows it) and returns the row.</summary>
    public TableRow WithTarget(string label, TargetSubject subject)
    {
        Targets.Add(new NavigationTarget(label, subject));
        return this;
    }
}

/// <summary>Name/value fields of one thing (a task's details, sys facts).</summary>
public sealed class RecordBlock : ResultBlock
{
    /// <summary>The fields in display order.</summary>
    public List<RecordField> Fields { get; } = [];

    /// <summary>Where the record leads.</summary>
    public List<NavigationTarget> Targets { get; } = [];

    /// <summary>Adds a field and returns the block.</summary>
    public RecordBlock Add(string name, Cell value, NavigationTarget? target = null)
    {
        Fields.Add(new RecordField(name, value, target));
        return this;
    }

    /// <summary>Adds a field with an explicit JSON key and returns the block.</summary>
    public RecordBlock Add(string name, string key, Cell value, NavigationTarget? target = null)
    {
        Fields.Add(new RecordField(name, value, target) { Key = key });
        return this;
    }
}

/// <summary>A field of a record.</summary>
/// <param name="Name">Field name as printed.</param>
/// <param name="Value">Its value.</param>
/// <param name="Target">Where the field leads, if anywhere.</param>
public sealed record RecordField(string Name, Cell Value, NavigationTarget? Target = null)
{
    /// <summary>Stable JSON field name; defaults to the snake_case of <see cref="Name"/>.</summary>
    public string? Key { get; init; }

    /// <summary>The JSON field name.</summary>
    public string JsonKey => Key ?? Column.SnakeCase(Name);
}

/// <summary>Views of tables for one kind of output.</summary>
public static class TableBlockExtensions
{
    /// <summary>
    /// The table with only the columns <paramref name="use"/> shows (<see cref="ColumnUse.Text"/> or
    /// <see cref="ColumnUse.Data"/>), rows and their targets and problems kept; the table itself when all show.
    /// </summary>
    public static TableBlock For(this TableBlock table, ColumnUse use)
    {
        var keep = Enumerable.Range(0, table.Columns.Count).Where(i => table.Columns[i].Use == ColumnUse.Everywhere || table.Columns[i].Use == use).ToArray();
        if (keep.Length == table.Columns.Count) return table;
        var view = new TableBlock(keep.Select(i => table.Columns[i]).ToArray()) { Title = table.Title, TextFromRows = table.TextFromRows };
        TableRow Copy(TableRow row)
        {
            var copy = view.NewRow(keep.Select(i => row.Cells[i]).ToArray());
            copy.Problem = row.Problem;
            copy.Text = row.Text;
            copy.Targets.AddRange(row.Targets);
            return copy;
        }
        // A streamed table's view streams too: its rows are copied as they come.
        if (table.IsStreamed) return view.Streamed(table.TakeRows().Select(Copy));
        foreach (var row in table.Rows) view.Rows.Add(Copy(row));
        return view;
    }
}
