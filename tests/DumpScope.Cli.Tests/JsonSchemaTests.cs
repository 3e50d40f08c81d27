using System.Text.Json;

namespace DumpScope.Cli.Tests;

/// <summary>The JSON each command prints, checked against docs/json.md (schema 3).</summary>
public class JsonSchemaTests
{
    private static JsonElement Json(string command)
    {
        var (exit, output, error) = CliRun.Run("--sample", "--json", "-c", command);
        exit.Should().Be(0, error);
        var root = JsonDocument.Parse(output).RootElement;
        root.GetProperty("schema").GetInt32().Should().Be(3);
        root.GetProperty("command").GetString().Should().Be(command);
        root.GetProperty("ok").GetBoolean().Should().BeTrue();
        return root;
    }

    private static void SnakeCaseKeys(JsonElement element)
    {
        foreach (var property in element.EnumerateObject())
            property.Name.Should().MatchRegex("^_?[a-z0-9]+(_[a-z0-9]+)*$", "keys are snake_case");
    }

    [Fact]
    public void Log_gives_entries_with_typed_fields()
    {
        var block = Json("log").GetProperty("blocks")[0];
        block.GetProperty("type").GetString().Should().Be("entries");
        var entries = block.GetProperty("entries").EnumerateArray().ToList();
        entries.Should().HaveCountGreaterThan(100);
        foreach (var e in entries.Take(50))
        {
            SnakeCaseKeys(e);
            e.GetProperty("timestamp_ns").ValueKind.Should().Be(JsonValueKind.Number);
            e.GetProperty("level").GetInt32().Should().BeInRange(0, 7);
            e.GetProperty("facility").ValueKind.Should().Be(JsonValueKind.Number);
            e.GetProperty("text").ValueKind.Should().Be(JsonValueKind.String);
        }
        entries[0].GetProperty("text").GetString().Should().StartWith("Linux version 6.1.0-56-cloud-amd64");
    }

    [Fact]
    public void Pstree_gives_depth_and_parent_not_ascii_art()
    {
        var rows = Json("pstree").GetProperty("blocks")[0].GetProperty("rows").EnumerateArray().ToList();
        rows.Should().HaveCountGreaterThan(20);
        foreach (var r in rows)
        {
            SnakeCaseKeys(r);
            r.TryGetProperty("tree", out _).Should().BeFalse();
            r.GetProperty("depth").GetInt32().Should().BeGreaterThanOrEqualTo(0);
            r.GetProperty("comm").GetString().Should().NotContain("`-").And.NotContain("|-");
        }
        var init = rows.Single(r => r.GetProperty("pid").GetInt64() == 1);
        init.GetProperty("ppid").GetInt64().Should().Be(0);
        rows.Should().Contain(r => r.GetProperty("depth").GetInt32() > init.GetProperty("depth").GetInt32() && r.GetProperty("ppid").GetInt64() == 1);
    }

    [Theory]
    [InlineData("kmem -s")]
    [InlineData("ps")]
    [InlineData("sys")]
    [InlineData("dumpinfo")]
    [InlineData("kmem -i")]
    [InlineData("task 1")]
    public void Every_row_and_record_has_snake_case_keys(string command)
    {
        foreach (var block in Json(command).GetProperty("blocks").EnumerateArray())
        {
            block.GetProperty("type").GetString().Should().BeOneOf("table", "record", "text", "entries");
            if (block.TryGetProperty("rows", out var rows))
                foreach (var row in rows.EnumerateArray()) SnakeCaseKeys(row);
            if (block.TryGetProperty("fields", out var fields)) SnakeCaseKeys(fields);
        }
    }

    [Fact]
    public void Ordinary_characters_are_not_escaped()
    {
        var (_, output, _) = CliRun.Run("--sample", "--json", "-c", "log");
        output.Should().NotContain("\\u0027").And.NotContain("\\u003C").And.NotContain("\\u002B");
    }
}

public class SysJsonTests
{
    [Fact]
    public void Sys_gives_numbers_for_sizes_counts_and_durations_and_crash_text_for_people()
    {
        var (_, json, _) = CliRun.Run("--sample", "--json", "-c", "sys");
        var fields = JsonDocument.Parse(json).RootElement.GetProperty("blocks")[0].GetProperty("fields");
        fields.GetProperty("memory").GetInt64().Should().BeGreaterThan(500L << 20);
        fields.GetProperty("cpus").GetInt32().Should().Be(2);
        fields.GetProperty("uptime").GetInt64().Should().Be(12);
        fields.GetProperty("tasks").GetInt32().Should().BeGreaterThan(0);
        var loads = fields.GetProperty("load_average").EnumerateArray().ToList();
        loads.Should().HaveCount(3).And.OnlyContain(l => l.ValueKind == JsonValueKind.Number);
        loads.Select(l => l.GetDouble()).Should().Equal(0.15, 0.03, 0.01);
        var (_, text, _) = CliRun.Run("--sample", "-c", "sys");
        text.Should().Contain("MEMORY: 511.5 MB").And.Contain("UPTIME: 00:00:12").And.Contain("LOAD AVERAGE: 0.15, 0.03, 0.01");
    }
}
