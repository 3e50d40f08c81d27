using DumpScope.Host.Rendering;

namespace DumpScope.Host.Tests.Rendering;

/// <summary>Outputs that cannot draw show a chart as data.</summary>
public sealed class ChartOutputTests
{
    private static CommandResult Chart() => new()
    {
        Blocks =
        {
            new ChartBlock(ChartKind.Bar, ["shmem_inode_cache", "dentry"], new ChartSeries("bytes growth", [81_920_000, 9_805_824]) { Key = "bytes_growth" })
            { Title = "top growers", ValueKind = CellKind.Size, LabelName = "cache" },
        },
    };

    [Fact]
    public void Text_shows_a_table_with_bars_scaled_to_the_largest_value()
    {
        var text = TextRenderer.Render(Chart());
        var lines = text.Split('\n');
        lines[0].Should().Be("top growers");
        lines[1].Should().StartWith("CACHE").And.Contain("BYTES GROWTH");
        lines[2].Should().StartWith("shmem_inode_cache").And.Contain("80000k").And.EndWith(new string('#', ChartText.BarWidth));
        lines[3].Should().StartWith("dentry").And.EndWith(" " + new string('#', 5));
    }

    [Fact]
    public void Json_gives_the_labels_and_series_as_numbers()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(JsonRenderer.Render("diff b", Chart()));
        var block = doc.RootElement.GetProperty("blocks")[0];
        block.GetProperty("type").GetString().Should().Be("chart");
        block.GetProperty("kind").GetString().Should().Be("bar");
        block.GetProperty("value_kind").GetString().Should().Be("size");
        block.GetProperty("labels").EnumerateArray().Select(l => l.GetString()).Should().Equal("shmem_inode_cache", "dentry");
        var series = block.GetProperty("series")[0];
        series.GetProperty("key").GetString().Should().Be("bytes_growth");
        series.GetProperty("values").EnumerateArray().Select(v => v.GetInt64()).Should().Equal(81_920_000, 9_805_824);
    }

    [Fact]
    public void Csv_and_json_lines_give_one_row_per_label()
    {
        var csv = new StringWriter();
        new CsvRenderer().Write("diff b", Chart(), csv, TextWriter.Null);
        csv.ToString().Should().Be("cache,bytes_growth\r\nshmem_inode_cache,81920000\r\ndentry,9805824\r\n");

        var jsonl = new StringWriter();
        new JsonLinesRenderer().Write("diff b", Chart(), jsonl, TextWriter.Null);
        jsonl.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(2)
            .And.Contain(l => l.Contains("\"cache\":\"dentry\"") && l.Contains("\"bytes_growth\":9805824"));
    }

    [Fact]
    public void A_chart_checks_its_shape()
    {
        var mismatched = () => new ChartBlock(ChartKind.Bar, ["a", "b"], new ChartSeries("n", [1]));
        mismatched.Should().Throw<ArgumentException>().WithMessage("*has 1 values, the chart has 2 labels*");
        var twoPies = () => new ChartBlock(ChartKind.Pie, ["a"], new ChartSeries("n", [1]), new ChartSeries("m", [2]));
        twoPies.Should().Throw<ArgumentException>();
    }
}
