using DumpScope.Sdk.Commands;

namespace TopCaches;

/// <summary>
/// The N slab caches holding the most memory (SLABS × SSIZE). It builds on the slab plugin's <c>kmem -s</c>
/// through <see cref="ICommandInvoker"/>: plugins compose each other's data without referencing each other.
/// </summary>
[Command("topcaches", Help = "the N slab caches holding the most memory: topcaches [N] (default 10)")]
public sealed class TopCachesCommand(ICommandInvoker invoker) : ICommand
{
    /// <summary>How many caches to list.</summary>
    [Argument(0, Name = "N", Help = "how many caches (default 10)")]
    public int Count { get; set; } = 10;

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        if (Count <= 0) throw new UsageException("topcaches: N must be positive");
        var caches = invoker.Invoke("kmem -s", context.Cancellation);
        if (caches.Failed) return CommandResult.Fail($"topcaches: kmem -s failed: {caches.Error}");
        var table = caches.Blocks.OfType<TableBlock>().FirstOrDefault()
            ?? throw new InvalidDataException("kmem -s returned no table");
        int Column(string name) => table.Columns.Select((c, i) => (c, i)).First(x => x.c.Name == name).i;
        int name = Column("NAME"), slabs = Column("SLABS"), ssize = Column("SSIZE"), allocated = Column("ALLOCATED"), total = Column("TOTAL");

        var rows = table.Rows
            .Where(r => r.Cells[slabs].Number is not null && r.Cells[ssize].Number is not null)
            .Select(r => (Row: r, Bytes: (ulong)(r.Cells[slabs].Number!.Value * r.Cells[ssize].Number!.Value)))
            .OrderByDescending(x => x.Bytes)
            .Take(Count);

        var result = new CommandResult();
        var top = result.Add(new TableBlock(new Column("NAME"), new Column("MEMORY", CellKind.Size), new Column("SLABS", CellKind.Integer),
            new Column("ALLOCATED", CellKind.Integer), new Column("TOTAL", CellKind.Integer), new Column("USE", CellKind.Percent)));
        foreach (var (row, bytes) in rows)
        {
            double? used = row.Cells[total].Number is > 0 && row.Cells[allocated].Number is { } a ? 100.0 * a / row.Cells[total].Number!.Value : null;
            var cacheName = row.Cells[name].Value as string ?? "?";
            top.AddRow(row.Cells[name], Cell.Size(bytes), row.Cells[slabs], row.Cells[allocated], row.Cells[total],
                used is { } u ? Cell.Percent(u) : Cell.NotApplicable(CellKind.Percent)).WithTarget("objects", $"kmem -S {cacheName}");
        }
        result.Warnings.AddRange(caches.Warnings);
        return result;
    }
}
