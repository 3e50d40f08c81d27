using System.Text.Json;
using DumpScope.Host.Rendering;
using DumpScope.Plugins.Triage.Commands;

namespace DumpScope.Plugins.Triage.Tests;

/// <summary>
/// triage's JSON on every fixture against docs/triage-schema.md, read from the document itself: the findings keys,
/// the finding kinds and severities, the summary record's keys and the JSON type each kind has (docs/json.md).
/// A key the code writes and the page does not document, or a value of another type, fails here.
/// </summary>
[Collection("triage dumps")]
public sealed class TriageSchemaTests(TriageSessions dumps)
{
    public static TheoryData<string> Dumps => new()
    {
        "kd1/vmcore.kdump-zlib-d31", "kd1/vmcore.elf-d31", "kd3/vmcore.kdump-zlib-d31", "k510/vmcore.kdump-zlib-d31", "q1/vmcore.elf",
    };

    [Fact]
    public void The_schema_page_documents_what_the_code_declares()
    {
        var doc = SchemaPage.Load();
        doc.FindingKeys.Should().BeEquivalentTo(["rank", "severity", "kind", "title", "source", "evidence", "_targets"]);
        doc.Kinds.Keys.Should().Contain(["crash", "hung_tasks", "taint", "memory", "possible_slab_leak", "low_memory", "source_failed", "no_panic"]);
        doc.RecordKeys["triage_schema"].Should().Be("integer");
        doc.Text.Should().Contain($"`triage_schema` | integer | {TriageCommand.SchemaVersion}");
    }

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void Triage_json_follows_the_schema_page(string dump)
    {
        var doc = SchemaPage.Load();
        var result = dumps.Session(dump).Run("triage");
        using var output = new StringWriter();
        new JsonRenderer().Write("triage", result, output, TextWriter.Null);
        using var json = JsonDocument.Parse(output.ToString());
        var blocks = json.RootElement.GetProperty("blocks").EnumerateArray().ToArray();

        blocks.Select(b => (b.GetProperty("type").GetString(), b.GetProperty("title").GetString())).Should().Equal(("table", "findings"), ("record", "triage"));
        var rows = blocks[0].GetProperty("rows").EnumerateArray().ToArray();
        rows.Should().NotBeEmpty();
        for (int i = 0; i < rows.Length; i++)
        {
            var row = rows[i];
            row.EnumerateObject().Select(p => p.Name).Should().BeSubsetOf(doc.FindingKeys, $"row {i + 1} of {dump}");
            row.GetProperty("rank").GetInt32().Should().Be(i + 1);
            var kind = row.GetProperty("kind").GetString()!;
            doc.Kinds.Should().ContainKey(kind, $"every finding kind is documented ({dump})");
            var severity = row.GetProperty("severity").GetString()!;
            doc.Severities.Should().Contain(severity);
            doc.Kinds[kind].Should().Contain(severity, $"{kind}'s severity is the documented one");
            foreach (var key in new[] { "title", "source", "evidence" }) row.GetProperty(key).ValueKind.Should().Be(JsonValueKind.String);
        }
        var ranks = rows.Select(r => doc.Severities.IndexOf(r.GetProperty("severity").GetString()!)).ToArray();
        ranks.Should().BeInAscendingOrder("findings are ranked most severe first");

        foreach (var field in blocks[1].GetProperty("fields").EnumerateObject())
        {
            doc.RecordKeys.Should().ContainKey(field.Name, $"every summary key is documented ({dump})");
            if (field.Value.ValueKind == JsonValueKind.Object)
            {
                field.Value.GetProperty("absent").GetString().Should().BeOneOf("unreadable", "corrupt", "not_applicable", "not_available");
                continue;
            }
            field.Value.ValueKind.Should().BeOneOf(JsonTypes(doc.RecordKeys[field.Name]), $"{field.Name} is documented as {doc.RecordKeys[field.Name]}");
        }
        blocks[1].GetProperty("fields").GetProperty("triage_schema").GetInt32().Should().Be(TriageCommand.SchemaVersion);
        var stoppedBy = blocks[1].GetProperty("fields").GetProperty("stopped_by");
        if (stoppedBy.ValueKind == JsonValueKind.String) doc.StoppedBy.Should().Contain(stoppedBy.GetString());
    }

    // docs/json.md: numbers for integers and sizes, strings for text, enums and addresses, booleans for bools.
    private static JsonValueKind[] JsonTypes(string kinds) => kinds.Split(',', StringSplitOptions.TrimEntries).Select(k => k switch
    {
        "integer" or "size" or "percent" => JsonValueKind.Number,
        "text" or "enum" or "address" or "hex" => JsonValueKind.String,
        "bool" => JsonValueKind.True,
        _ => throw new InvalidOperationException($"docs/triage-schema.md names a kind '{k}' docs/json.md does not have"),
    }).SelectMany(k => k == JsonValueKind.True ? [JsonValueKind.True, JsonValueKind.False] : new[] { k }).ToArray();

    /// <summary>The tables of docs/triage-schema.md.</summary>
    private sealed record SchemaPage(string Text, IReadOnlyList<string> FindingKeys, IReadOnlyDictionary<string, string> Kinds,
        List<string> Severities, IReadOnlyDictionary<string, string> RecordKeys, IReadOnlyList<string> StoppedBy)
    {
        public static SchemaPage Load()
        {
            var text = File.ReadAllText(Repository.File("docs/triage-schema.md"));
            var findings = Table(text, "## `findings` rows").ToList();
            var kinds = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var row in Table(text, "Finding kinds:"))
                foreach (var kind in Codes(row[0])) kinds[kind] = row[1];
            var record = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var row in Table(text, "## `triage` record keys"))
            {
                var keys = Codes(row[0]);
                var types = row[1].Split(',', StringSplitOptions.TrimEntries);
                for (int i = 0; i < keys.Count; i++) record[keys[i]] = types.Length == keys.Count ? types[i] : row[1];
            }
            var severities = Codes(findings.Single(r => Codes(r[0]).SequenceEqual(["severity"]))[2]).ToList();
            var stoppedBy = Codes(Table(text, "## `triage` record keys").Single(r => Codes(r[0]).SequenceEqual(["stopped_by"]))[2]);
            return new SchemaPage(text, findings.SelectMany(r => Codes(r[0])).ToArray(), kinds, severities, record, stoppedBy);
        }

        // The rows (cells trimmed, header and rule left out) of the first Markdown table after a heading line.
        private static IEnumerable<string[]> Table(string text, string heading)
        {
            var lines = text.Split('\n');
            int at = Array.FindIndex(lines, l => l.TrimEnd() == heading);
            if (at < 0) throw new InvalidOperationException($"docs/triage-schema.md has no line '{heading}'");
            var rows = lines.Skip(at + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).Skip(2);
            return rows.Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray()).ToArray();
        }

        // The `code` spans of a cell.
        private static List<string> Codes(string cell) =>
            System.Text.RegularExpressions.Regex.Matches(cell, "`([^`]+)`").Select(m => m.Groups[1].Value).ToList();
    }
}
