namespace DumpScope.Plugins.Tasks.Tests;

/// <summary>A ps table row with its cells typed back (values null when absent).</summary>
internal sealed record PsRow(string Marks, long? Pid, long? Ppid, long? Cpu, ulong Task, string? State, ulong? VszKiB, ulong? RssKiB, string? Comm, string? Problem, TableRow Row)
{
    public bool Active => Marks.Contains('>');

    public bool Panicking => Marks.Contains('*');

    /// <summary>comm without crash's brackets around kernel threads.</summary>
    public string? BareComm => Comm is { } c && c.StartsWith('[') && c.EndsWith(']') ? c[1..^1] : Comm;

    /// <summary>The rows of the first table of a ps result (ps, ps -k/-u/-G/-A, filters).</summary>
    public static IReadOnlyList<PsRow> From(CommandResult result)
    {
        result.Failed.Should().BeFalse(result.Error);
        var table = result.Blocks.OfType<TableBlock>().First();
        int Col(string name) => table.Columns.Select((c, i) => (c, i)).First(x => x.c.Name == name).i;
        int marks = 0, pid = Col("PID"), ppid = Col("PPID"), cpu = Col("CPU"), task = Col("TASK"), st = Col("ST"), vsz = Col("VSZ"), rss = Col("RSS"), comm = Col("COMM");
        return table.Rows.Select(r => new PsRow(
            (string)r.Cells[marks].Value!, Signed(r.Cells[pid]), Signed(r.Cells[ppid]), Signed(r.Cells[cpu]), (ulong)r.Cells[task].Value!,
            r.Cells[st].Value as string, Unsigned(r.Cells[vsz]), Unsigned(r.Cells[rss]), r.Cells[comm].Value as string, r.Problem, r)).ToArray();
    }

    private static long? Signed(Cell cell) => cell.Value switch { long l => l, ulong u => (long)u, int i => i, _ => null };

    private static ulong? Unsigned(Cell cell) => cell.Value switch { ulong u => u, long l => (ulong)l, _ => null };
}
