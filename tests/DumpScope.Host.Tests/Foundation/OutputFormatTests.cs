using System.Text.Json;
using DumpScope.Host.Rendering;

namespace DumpScope.Host.Tests.Foundation;

public class OutputFormatTests
{
    private static CommandResult Sample()
    {
        var result = new CommandResult();
        var table = result.Add(new TableBlock(new Column("CACHE", CellKind.Address), new Column("SSIZE", CellKind.Size), new Column("NAME")));
        table.AddRow(Cell.Address(0xffff888003a4c000), Cell.Size(4096), Cell.Text("kmalloc-64"));
        table.AddRow(Cell.Address(0xffff888003a4c100), Cell.Unreadable("page excluded"), Cell.Text("odd, \"quoted\" name's"));
        result.Add(new RecordBlock { Title = "facts" }.Add("LOAD AVERAGE", Cell.Text("0.1")).Add("vsz (KiB)", Cell.Size(2048)));
        return result;
    }

    private static string Render(IResultRenderer renderer, CommandResult result, out string errors)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        renderer.Write("kmem -s", result, output, error);
        errors = error.ToString();
        return output.ToString();
    }

    [Fact]
    public void Csv_is_rfc4180_with_keys_as_header_and_raw_values()
    {
        var result = new CommandResult();
        result.Blocks.Add(Sample().Blocks[0]);
        var rows = CsvText.Parse(Render(new CsvRenderer(), result, out _));
        rows[0].Should().Equal("cache", "ssize", "name");
        rows[1].Should().Equal("0xffff888003a4c000", "4096", "kmalloc-64");
        rows[2].Should().Equal("0xffff888003a4c100", "", "odd, \"quoted\" name's");
        rows.Should().HaveCount(3);
    }

    [Fact]
    public void Csv_sends_errors_and_text_to_the_error_stream()
    {
        var failed = CommandResult.Fail("boom");
        failed.Blocks.Add(new TextBlock(["prose"]));
        Render(new CsvRenderer(), failed, out var errors).Should().BeEmpty();
        errors.Should().Contain("prose").And.Contain("error: boom");
    }

    [Fact]
    public void Json_records_use_snake_case_keys_and_apostrophes_stay_as_they_are()
    {
        var json = JsonRenderer.Render("kmem -s", Sample());
        json.Should().NotContain("\\u0027").And.Contain("name's");
        using var doc = JsonDocument.Parse(json);
        doc.RootElement.GetProperty("schema").GetInt32().Should().Be(JsonRenderer.SchemaVersion);
        var fields = doc.RootElement.GetProperty("blocks")[1].GetProperty("fields");
        fields.GetProperty("load_average").GetString().Should().Be("0.1");
        fields.GetProperty("vsz_kib").GetInt64().Should().Be(2048);
    }

    [Fact]
    public void Json_lines_has_one_object_per_row_and_record()
    {
        var lines = Render(new JsonLinesRenderer(), Sample(), out _).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(3);
        var docs = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        docs[0].GetProperty("_command").GetString().Should().Be("kmem -s");
        docs[0].GetProperty("name").GetString().Should().Be("kmalloc-64");
        docs[1].GetProperty("ssize").GetProperty("absent").GetString().Should().Be("unreadable");
        docs[2].GetProperty("_title").GetString().Should().Be("facts");
        docs[2].GetProperty("vsz_kib").GetInt64().Should().Be(2048);
    }

    [Theory]
    [InlineData("LOAD AVERAGE", "load_average")]
    [InlineData("vsz (KiB)", "vsz_kib")]
    [InlineData("state word", "state_word")]
    [InlineData("%MEM", "pmem")]
    [InlineData("rss file/anon/shmem (KiB)", "rss_file_anon_shmem_kib")]
    public void Labels_become_snake_case_keys(string label, string key) => Column.SnakeCase(label).Should().Be(key);

    [Fact]
    public void Text_lists_each_distinct_reason_once_after_the_last_row_it_concerns()
    {
        var result = new CommandResult();
        var table = result.Add(new TableBlock(new Column("ADDRESS", CellKind.Address), new Column("+0"), new Column("+8")));
        table.AddRow(Cell.Address(0x1000), Cell.Unreadable("excluded at 1000"), Cell.Unreadable("excluded at 1000"));
        table.AddRow(Cell.Address(0x1010), Cell.Unreadable("excluded at 1000"), Cell.Unreadable("excluded at 1000"));
        table.AddRow(Cell.Address(0x1020), Cell.Text("1"), Cell.Text("2"));
        var lines = TextRenderer.Render(result).Split('\n');
        lines.Count(l => l.Contains("excluded at 1000", StringComparison.Ordinal)).Should().Be(1);
        lines[3].Should().Be("  note: 0000000000001000…0000000000001010 (2 rows): excluded at 1000");
    }

    [Theory]
    [InlineData(1UL << 30, "1g")]
    [InlineData(3UL << 20, "3m")]
    public void Sizes_have_one_spelling_up_to_gigabytes(ulong bytes, string text) => CellFormatter.FormatSize(bytes).Should().Be(text);

    [Fact]
    public void Absent_values_have_one_spelling_with_or_without_the_reason()
    {
        CellFormatter.Format(Cell.Unreadable("page excluded")).Should().Be("<unreadable>");
        CellFormatter.FormatFull(Cell.Unreadable("page excluded")).Should().Be("<unreadable: page excluded>");
        CellFormatter.Format(Cell.NotAvailable("no BTF"), 24).Should().Be("<n/a: no BTF>");
        CellFormatter.Format(Cell.Corrupt(new string('x', 40)), 10).Should().Be("<corrupt: xxxxxxxxx…>");
    }
}
