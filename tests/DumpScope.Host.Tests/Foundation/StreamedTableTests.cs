using System.Text.Json;
using DumpScope.Host.Rendering;

namespace DumpScope.Host.Tests.Foundation;

/// <summary>Streamed tables (TableBlock.Streamed): rows produced while the result is written.</summary>
public class StreamedTableTests
{
    /// <summary>A result with a table of <paramref name="count"/> rows, streamed or whole; <paramref name="produced"/> counts rows made.</summary>
    private static CommandResult Result(int count, bool streamed, int[] produced, int wideAt = -1, int absentAt = -1)
    {
        var result = new CommandResult();
        result.Add(new RecordBlock { Title = "head" }.Add("cache", Cell.Text("scale-8")));
        var table = result.Add(new TableBlock(new Column("OBJECT", CellKind.Address), new Column("N", CellKind.Integer), new Column("WHERE")) { Title = "objects" });
        IEnumerable<TableRow> Rows()
        {
            for (int i = 0; i < count; i++)
            {
                produced[0]++;
                var n = i == absentAt ? Cell.Unreadable("page excluded", CellKind.Integer) : Cell.Int(i);
                yield return table.NewRow(Cell.Address(0xffff888000000000UL + (ulong)i * 64), n, Cell.Text(i == wideAt ? "node 0 partial, far" : "cpu 0"));
            }
            result.Warnings.Add($"{count} rows walked");
        }
        if (streamed) table.Streamed(Rows());
        else table.Rows.AddRange(Rows());
        return result;
    }

    private static string Text(CommandResult result)
    {
        var output = new StringWriter();
        new TextRenderer().Write("kmem -S scale-8", result, output, TextWriter.Null);
        return output.ToString();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(TextRenderer.StreamWindow)]
    public void A_streamed_table_within_the_window_is_written_as_a_whole_one(int count)
    {
        var produced = new int[1];
        Text(Result(count, streamed: true, produced, wideAt: count - 1, absentAt: count / 2)).Should().Be(Text(Result(count, streamed: false, new int[1], wideAt: count - 1, absentAt: count / 2)));
        produced[0].Should().Be(count);
    }

    [Fact]
    public void A_longer_streamed_table_is_aligned_on_its_window_and_written_as_it_comes()
    {
        int count = TextRenderer.StreamWindow * 3;
        var produced = new int[1];
        var result = Result(count, streamed: true, produced);
        var whole = Text(Result(count, streamed: false, new int[1]));
        var output = new ObservingWriter(() => produced[0]);
        new TextRenderer().Write("kmem -S scale-8", result, output, TextWriter.Null);
        output.ToString().Should().Be(whole, "every cell is as wide as the window's");
        output.ProducedAtFirstRow.Should().BeLessThan(count, "the first rows were written before the last was produced");
        output.ToString().Should().EndWith($"warning: {count} rows walked\n", "warnings added while streaming come after the blocks");
    }

    [Fact]
    public void Past_the_window_a_wider_cell_shifts_its_own_line_and_notes_come_after_the_last_row()
    {
        int count = TextRenderer.StreamWindow + 10;
        var lines = Text(Result(count, streamed: true, new int[1], wideAt: count - 2, absentAt: count - 5)).Split('\n');
        var rows = lines.SkipWhile(l => !l.StartsWith("OBJECT", StringComparison.Ordinal)).Skip(1).TakeWhile(l => l.StartsWith("ffff", StringComparison.Ordinal)).ToArray();
        rows.Should().HaveCount(count, "no note between the rows");
        rows[^2].Should().EndWith("node 0 partial, far");
        rows[0].Length.Should().Be(rows[^1].Length);
        lines.Should().Contain(l => l.StartsWith("  note: ", StringComparison.Ordinal) && l.EndsWith("N: page excluded", StringComparison.Ordinal));
    }

    [Fact]
    public void Json_streams_the_rows_and_puts_the_status_after_the_blocks()
    {
        int count = 5000;
        var output = new StringWriter();
        new JsonRenderer().Write("kmem -S scale-8", Result(count, streamed: true, new int[1]), output, TextWriter.Null);
        var text = output.ToString();
        text.Should().EndWith("\n").And.NotContain("\n{");
        using var doc = JsonDocument.Parse(text);
        var root = doc.RootElement;
        root.GetProperty("ok").GetBoolean().Should().BeTrue();
        root.GetProperty("warnings")[0].GetString().Should().Be($"{count} rows walked");
        root.GetProperty("blocks")[1].GetProperty("rows").GetArrayLength().Should().Be(count);
        root.GetProperty("blocks")[1].GetProperty("rows")[7].GetProperty("n").GetInt64().Should().Be(7);
        text.IndexOf("\"ok\"", StringComparison.Ordinal).Should().BeGreaterThan(text.IndexOf("\"blocks\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Csv_and_json_lines_write_every_streamed_row()
    {
        var csv = new StringWriter();
        new CsvRenderer().Write("kmem -S scale-8", Result(3000, streamed: true, new int[1]), csv, TextWriter.Null);
        csv.ToString().Split("\r\n").Count(l => l.StartsWith("0xffff", StringComparison.Ordinal)).Should().Be(3000);
        var lines = new StringWriter();
        new JsonLinesRenderer().Write("kmem -S scale-8", Result(3000, streamed: true, new int[1]), lines, TextWriter.Null);
        lines.ToString().Split('\n').Count(l => l.Contains("\"object\":", StringComparison.Ordinal)).Should().Be(3000);
    }

    [Fact]
    public void Materialize_fills_the_rows_once()
    {
        var produced = new int[1];
        var result = Result(10, streamed: true, produced);
        result.HasStreamedRows.Should().BeTrue();
        result.Blocks.OfType<TableBlock>().Single().Rows.Should().BeEmpty();
        result.Materialize();
        result.Materialize();
        result.HasStreamedRows.Should().BeFalse();
        result.Blocks.OfType<TableBlock>().Single().Rows.Should().HaveCount(10);
        produced[0].Should().Be(10);
    }

    /// <summary>A StringWriter noting how many rows had been produced when the first table row reached it.</summary>
    private sealed class ObservingWriter(Func<int> produced) : StringWriter
    {
        public int ProducedAtFirstRow { get; private set; } = -1;

        public override void Write(string? value)
        {
            base.Write(value);
            Check();
        }

        public override void Write(StringBuilder? value)
        {
            base.Write(value);
            Check();
        }

        private void Check()
        {
            if (ProducedAtFirstRow < 0 && ToString().Contains("\nffff", StringComparison.Ordinal)) ProducedAtFirstRow = produced();
        }
    }
}

/// <summary>The session's handling of a plugin's streamed table (the echo test plugin's count command).</summary>
public class StreamedCommandTests
{
    [Fact]
    public void Run_materializes_and_RunStreamed_leaves_the_rows_to_the_output()
    {
        using var session = TestSessions.Create();
        var whole = session.Run("count -n 5");
        whole.HasStreamedRows.Should().BeFalse();
        whole.Blocks.OfType<TableBlock>().Single().Rows.Should().HaveCount(5);
        whole.Blocks.OfType<TableBlock>().Single().Rows[0].Targets.Should().ContainSingle().Which.Command.Should().Be("echo 0", "targets are resolved as rows pass");
        var streamed = session.RunStreamed("count -n 5");
        streamed.HasStreamedRows.Should().BeTrue();
        TextRenderer.Render(streamed).Should().Be(TextRenderer.Render(whole));
    }

    [Fact]
    public void A_row_source_that_throws_ends_its_table_and_fails_the_command()
    {
        using var session = TestSessions.Create();
        var streamed = session.RunStreamed("count -n 10 --fail-at 4");
        var output = new StringWriter();
        var errors = new StringWriter();
        new TextRenderer().Write("count", streamed, output, errors);
        output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal("N", "0", "1", "2", "3");
        errors.ToString().Should().Be("error: count: corrupt data: row 4 is bad\n");
        session.Run("count -n 10 --fail-at 4").Error.Should().Be("count: corrupt data: row 4 is bad");
    }

    [Fact]
    public void Cancelling_while_rows_are_written_ends_the_command_as_cancelled()
    {
        using var session = TestSessions.Create();
        using var cancel = new CancellationTokenSource();
        var streamed = session.RunStreamed("count -n 100000", cancel.Token);
        int seen = 0;
        foreach (var _ in streamed.Blocks.OfType<TableBlock>().Single().TakeRows())
            if (++seen == 10) cancel.Cancel();
        seen.Should().Be(10);
        streamed.Error.Should().Be("count: cancelled");
    }
}
