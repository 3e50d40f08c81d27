using System.Text.Json;
using DumpScope.Testing;

namespace DumpScope.Cli.Tests;

public class OutputFormatCliTests
{
    [Fact]
    public void Kmem_s_as_csv_parses_with_one_row_per_cache()
    {
        var (exit, output, error) = CliRun.Run("--sample", "--plugins", "slab", "--format", "csv", "-c", "kmem -s");
        exit.Should().Be(0, error);
        var rows = CsvText.Parse(output);
        rows[0].Should().Contain(["name", "objsize", "ssize"]);
        var name = Array.IndexOf(rows[0], "name");
        var data = rows.Skip(1).ToList();
        data.Should().OnlyContain(r => r.Length == rows[0].Length);
        data.Select(r => r[name]).Should().OnlyHaveUniqueItems().And.Contain("kmalloc-64").And.Contain("task_struct");
        // The same caches as the JSON document lists.
        var (_, json, _) = CliRun.Run("--sample", "--plugins", "slab", "--json", "-c", "kmem -s");
        using var doc = JsonDocument.Parse(json);
        data.Should().HaveCount(doc.RootElement.GetProperty("blocks")[0].GetProperty("rows").GetArrayLength());
        data.Should().Contain(r => r[Array.IndexOf(rows[0], "ssize")] == "4096");
    }

    [Fact]
    public void Json_prints_one_document_per_command_per_line_like_the_json_alias()
    {
        var (_, viaAlias, _) = CliRun.Run("--json", "-c", "help help", "-c", "plugins");
        var (exit, viaFormat, _) = CliRun.Run("--format", "json", "-c", "help help", "-c", "plugins");
        exit.Should().Be(0);
        viaFormat.Should().Be(viaAlias);
        var lines = viaFormat.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Should().HaveCount(2);
        lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("command").GetString()).Should().Equal("help help", "plugins");
    }

    [Fact]
    public void Jsonl_prints_one_object_per_row()
    {
        var (exit, output, error) = CliRun.Run("--sample", "--plugins", "slab", "--format", "jsonl", "-c", "kmem -s");
        exit.Should().Be(0, error);
        var rows = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        rows.Should().HaveCountGreaterThan(50).And.OnlyContain(r => r.GetProperty("_command").GetString() == "kmem -s");
        rows.Should().Contain(r => r.GetProperty("name").GetString() == "kmalloc-64");
    }

    [Fact]
    public void An_unknown_format_is_a_usage_error()
    {
        var (exit, _, error) = CliRun.Run("--format", "xml", "-c", "plugins");
        exit.Should().Be(Program.Usage);
        error.Should().Contain("xml");
    }

    [Fact]
    public void Commands_from_files_and_c_run_in_command_line_order()
    {
        var script = Path.GetTempFileName();
        File.WriteAllLines(script, ["help help"]);
        var (exit, output, _) = CliRun.Run("-c", "plugins", "-i", script, "-c", "help sym");
        exit.Should().Be(0);
        var order = new[] { "dumpscope> plugins", "dumpscope> help help", "dumpscope> help sym" }.Select(s => output.IndexOf(s, StringComparison.Ordinal)).ToList();
        order.Should().NotContain(-1).And.BeInAscendingOrder();
    }
}
