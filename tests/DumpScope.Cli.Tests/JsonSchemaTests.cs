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

    internal static void SnakeCaseKeys(JsonElement element)
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

/// <summary>
/// Every command's JSON on the sample dump (kd1), one form each, run in one batch: schema 3, ok, known block types,
/// snake_case keys, and each value typed as its column's kind says (docs/json.md's values table). A command a
/// plugin adds without a line here fails the coverage test.
/// </summary>
public class JsonEveryCommandTests
{
    /// <summary>One form of every command (diff needs a second dump: DiffCliTests checks its JSON).</summary>
    private static readonly string[] Forms =
    [
        "bt", "bt -a", "dev", "dis schedule 5", "dumpinfo", "eval -b 0x1234", "files 1", "foreach 1 task", "fuser /", "help", "ipcs", "irq",
        "kmem -s", "kmem -i", "kmem -S kmalloc-64", "kmem -p 1000", "kmem ffffffff9e41aa40", "list -H init_task.tasks", "log -n 3", "mach", "mod",
        "mount", "net", "p jiffies", "p init_task.comm", "page 1000", "plugins", "ps", "pstree", "ptov 1000", "rd init_task 4", "runq",
        "search -s init_task -l 4096 ffffffff", "set 1", "sig 1", "struct task_struct.pid,comm ffffffff9e41aa40", "swap", "sym schedule", "sys",
        "task 1", "timer", "tree -t xarray init_pid_ns.idr.idr_rt", "triage", "vm 1", "vtop ffffffff9e41aa40", "waitq log_wait", "whatis task_struct", "sockets",
    ];

    private static readonly Lazy<List<JsonElement>> Documents = new(() =>
    {
        var (_, output, error) = CliRun.Run(["--sample", "--json", .. Forms.SelectMany(f => new[] { "-c", f })]);
        var documents = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        documents.Should().HaveCount(Forms.Length, error);
        return documents;
    });

    public static TheoryData<string> Commands => new(Forms);

    [Theory]
    [MemberData(nameof(Commands))]
    public void Json_is_schema_3_with_snake_case_keys_and_typed_values(string command)
    {
        var root = Documents.Value[Array.IndexOf(Forms, command)];
        root.GetProperty("command").GetString().Should().Be(command);
        root.GetProperty("schema").GetInt32().Should().Be(3);
        var error = root.GetProperty("error");
        (error.ValueKind == JsonValueKind.Null ? null : error.GetString()).Should().BeNull(command);
        root.GetProperty("ok").GetBoolean().Should().BeTrue(command);
        foreach (var block in root.GetProperty("blocks").EnumerateArray())
        {
            block.GetProperty("type").GetString().Should().BeOneOf("table", "record", "text", "entries", "chart");
            if (block.TryGetProperty("fields", out var fields)) JsonSchemaTests.SnakeCaseKeys(fields);
            if (!block.TryGetProperty("columns", out var columns)) continue;
            var kinds = columns.EnumerateArray().ToDictionary(c => c.GetProperty("key").GetString()!, c => c.GetProperty("kind").GetString()!);
            foreach (var key in kinds.Keys) key.Should().MatchRegex("^[a-z0-9]+(_[a-z0-9]+)*$", $"{command}: column keys are snake_case");
            foreach (var row in block.GetProperty("rows").EnumerateArray())
                foreach (var cell in row.EnumerateObject().Where(c => !c.Name.StartsWith('_')))
                    Typed(command, cell.Name, kinds[cell.Name], cell.Value);
        }
    }

    /// <summary>A value as docs/json.md says its kind is written (or an absent value's object).</summary>
    private static void Typed(string command, string key, string kind, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            value.GetProperty("absent").GetString().Should().BeOneOf(["unreadable", "corrupt", "not_applicable", "not_available"], $"{command} {key}");
            return;
        }
        var expected = kind switch
        {
            "integer" or "size" or "percent" or "real" => JsonValueKind.Number,
            "bool" => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.ValueKind : JsonValueKind.True,
            "list" => JsonValueKind.Array,
            // A text column may mix kinds (struct's value column: numbers, strings), each cell typed on its own.
            "text" when value.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.ValueKind,
            _ => JsonValueKind.String,
        };
        value.ValueKind.Should().Be(expected, $"{command}: {key} is of kind {kind}");
        if (kind is "address" or "hex") value.GetString().Should().StartWith("0x", $"{command}: {key}");
    }

    [Fact]
    public void Every_command_of_the_loaded_plugins_has_a_form_here()
    {
        var (_, output, _) = CliRun.Run("--sample", "--json", "-c", "help");
        var help = JsonDocument.Parse(output).RootElement.GetProperty("blocks").EnumerateArray().First(b => b.TryGetProperty("rows", out _));
        var names = help.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("command").GetString()!.Split(' ')[0]).ToHashSet();
        var covered = Forms.Select(f => f.Split(' ')[0]).Append("diff").ToHashSet();
        names.Except(covered).Should().BeEmpty("every command needs a JSON schema check: add a form to Forms");
    }
}
