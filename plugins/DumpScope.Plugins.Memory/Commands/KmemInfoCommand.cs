namespace DumpScope.Plugins.Memory.Commands;

/// <summary>crash's <c>kmem -i</c>: memory usage as /proc/meminfo sees it, in pages, bytes and percentages.</summary>
[Command("kmem", Selector = "-i", Help = "memory usage: TOTAL MEM, FREE, USED, SHARED, BUFFERS, CACHED, SLAB, huge pages, swap, commit (kmem -i)",
    Examples = ["kmem -i  memory usage like free(1) and /proc/meminfo"], SeeAlso = ["kmem -s", "sys"])]
public sealed class KmemInfoCommand(MemoryAnalyzer analyzer) : ICommand
{
    /// <summary>Adds a SOURCE column saying where each value comes from.</summary>
    [Option("-v", "--sources", Help = "show where each row's value comes from")]
    public bool Sources { get; set; }

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var info = analyzer.MemoryInfo(context.Cancellation);
        var result = new CommandResult();
        var columns = new List<Column>
        {
            new("", CellKind.Text, "name"), new("PAGES", CellKind.Integer), new("TOTAL", CellKind.Size, "bytes"),
            new("PERCENTAGE", CellKind.Percent), new("OF", CellKind.Text),
        };
        if (Sources) columns.Add(new Column("SOURCE"));
        TableBlock? table = null;
        int group = -1;
        foreach (var row in info.Rows)
        {
            if (row.Group != group || table is null)
            {
                table = result.Add(new TableBlock(columns.ToArray()));
                group = row.Group;
            }
            var cells = new List<Cell> { Cell.Text(row.Name) };
            if (row.Pages is { } pages)
            {
                cells.Add(Cell.Int(pages));
                cells.Add(Cell.Size((ulong)Math.Max(pages, 0) * (ulong)info.PageSize));
                if (row.PercentOf is null)
                {
                    cells.Add(Cell.NotApplicable(CellKind.Percent));
                    cells.Add(Cell.NotApplicable());
                }
                else
                {
                    long? whole = info.Pages(row.PercentOf);
                    cells.Add(whole is > 0 ? Cell.Percent(pages * 100.0 / whole.Value) : Cell.NotApplicable(CellKind.Percent));
                    cells.Add(Cell.Text(row.PercentOf));
                }
            }
            else
            {
                var reason = row.Problem ?? "not available";
                Cell Absent(CellKind kind) => row.Absence == Absence.Unreadable ? Cell.Unreadable(reason, kind) : Cell.NotAvailable(reason, kind);
                cells.Add(Absent(CellKind.Integer));
                cells.Add(Absent(CellKind.Size));
                cells.Add(Cell.NotApplicable(CellKind.Percent));
                cells.Add(row.PercentOf is null ? Cell.NotApplicable() : Cell.Text(row.PercentOf));
            }
            if (Sources) cells.Add(Cell.Text(row.Source));
            var added = table.AddRow(cells.ToArray());
            if (row.Name == "SLAB") added.WithTarget("slab caches", "kmem -s");
        }
        result.Warnings.AddRange(info.Notes);
        return result;
    }
}
