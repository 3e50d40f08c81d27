using System.Text.Json;
using DumpScope.Host.Rendering;

namespace DumpScope.Host.Tests.Foundation;

public class RenderingTests
{
    private static CommandResult Sample()
    {
        var result = new CommandResult();
        var table = result.Add(new TableBlock(new Column("CACHE", CellKind.Address), new Column("OBJSIZE", CellKind.Integer), new Column("SSIZE", CellKind.Size), new Column("NAME")));
        table.AddRow(Cell.Address(0xffff888003a4c000), Cell.Int(64), Cell.Size(4096), Cell.Text("kmalloc-64")).WithTarget("objects", "kmem -S kmalloc-64");
        var bad = table.AddRow(Cell.Address(0xffff888003a4c100), Cell.Unreadable("page excluded: kernel virtual address: ffff888003a4d000", CellKind.Integer), Cell.Size(32768), Cell.Text("dentry"));
        bad.Problem = "name unreadable";
        result.Add(new RecordBlock { Title = "facts" }.Add("RELEASE", Cell.Text("6.1")).Add("CPUS", Cell.Int(2)));
        result.Add(new TextBlock(["log line"]));
        result.Warnings.Add("1 cache unreadable");
        return result;
    }

    [Fact]
    public void Text_aligns_columns_and_lists_reasons()
    {
        var text = TextRenderer.Render(Sample());
        var lines = text.Split('\n');
        lines[0].Should().Be("CACHE                  OBJSIZE  SSIZE  NAME");
        lines[1].Should().Be("ffff888003a4c000            64     4k  kmalloc-64");
        lines[2].Should().Be("ffff888003a4c100  <unreadable>    32k  dentry");
        text.Should().Contain("  ^ name unreadable");
        text.Should().Contain("note: ffff888003a4c100 OBJSIZE: page excluded: kernel virtual address: ffff888003a4d000");
        text.Should().Contain("facts\nRELEASE: 6.1\n   CPUS: 2\n");
        text.Should().Contain("log line\n");
        text.Should().EndWith("warning: 1 cache unreadable\n");
    }

    [Fact]
    public void Json_is_valid_with_stable_keys_and_typed_absent_values()
    {
        var json = JsonRenderer.Render("kmem -s", Sample());
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        root.GetProperty("command").GetString().Should().Be("kmem -s");
        root.GetProperty("ok").GetBoolean().Should().BeTrue();
        var rows = root.GetProperty("blocks")[0].GetProperty("rows");
        rows[0].GetProperty("cache").GetString().Should().Be("0xffff888003a4c000");
        rows[0].GetProperty("objsize").GetInt64().Should().Be(64);
        rows[0].GetProperty("ssize").GetInt64().Should().Be(4096);
        rows[0].GetProperty("_targets")[0].GetProperty("command").GetString().Should().Be("kmem -S kmalloc-64");
        rows[1].GetProperty("objsize").GetProperty("absent").GetString().Should().Be("unreadable");
        rows[1].GetProperty("_problem").GetString().Should().Be("name unreadable");
        root.GetProperty("blocks")[1].GetProperty("fields").GetProperty("cpus").GetInt64().Should().Be(2);
        root.GetProperty("blocks")[2].GetProperty("lines")[0].GetString().Should().Be("log line");
        root.GetProperty("warnings")[0].GetString().Should().Be("1 cache unreadable");
    }

    [Fact]
    public void A_failed_result_renders_its_error()
    {
        JsonDocument.Parse(JsonRenderer.Render("x", CommandResult.Fail("boom"))).RootElement.GetProperty("error").GetString().Should().Be("boom");
        TextRenderer.Render(CommandResult.Fail("boom")).Should().Be("error: boom\n");
    }

    [Theory]
    [InlineData(4096UL, "4k")]
    [InlineData(32768UL, "32k")]
    [InlineData(2097152UL, "2m")]
    [InlineData(100UL, "100")]
    public void Sizes_print_like_crash(ulong bytes, string text) => CellFormatter.FormatSize(bytes).Should().Be(text);
}
