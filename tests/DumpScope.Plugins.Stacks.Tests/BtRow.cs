namespace DumpScope.Plugins.Stacks.Tests;

/// <summary>One frame row of a bt table, read back from its typed cells.</summary>
internal sealed record BtRow(long Index, ulong Sp, string? Function, ulong? Offset, ulong Ip, string? Module, bool Reliable)
{
    public ulong? FunctionStart => Offset is { } o ? Ip - o : null;

    /// <summary>Every task block of a bt / foreach bt result: pid and frames.</summary>
    public static IReadOnlyList<(int Pid, string Title, IReadOnlyList<BtRow> Frames)> Blocks(CommandResult result)
    {
        var blocks = new List<(int, string, IReadOnlyList<BtRow>)>();
        foreach (var table in result.Blocks.OfType<TableBlock>().Where(t => t.Title?.StartsWith("PID:", StringComparison.Ordinal) == true))
        {
            int pid = int.Parse(table.Title!.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            var rows = table.Rows.Where(r => r.Cells[0].HasValue).Select(r => new BtRow(
                Convert.ToInt64(r.Cells[0].Value, CultureInfo.InvariantCulture),
                (ulong)r.Cells[1].Value!,
                r.Cells[2].Value as string,
                r.Cells[3].HasValue ? (ulong?)r.Cells[3].Value : null,
                (ulong)r.Cells[4].Value!,
                r.Cells[5].Value as string,
                (bool)r.Cells[6].Value!)).ToArray();
            blocks.Add((pid, table.Title, rows));
        }
        return blocks;
    }
}
