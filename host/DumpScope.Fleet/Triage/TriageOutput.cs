using System.Text.Json;

namespace DumpScope.Fleet.Triage;

/// <summary>
/// What a child <c>dumpscope DUMP --format json -c triage -c sys -c dumpinfo</c> printed (docs/json.md documents, one
/// a line; docs/triage-schema.md for triage), read into the record's fields. Absent values (<c>{"absent": …}</c>) are null.
/// </summary>
public sealed class TriageOutput
{
    /// <summary>The commands the child runs, in order.</summary>
    public static readonly IReadOnlyList<string> Commands = ["triage", "sys", "dumpinfo"];

    /// <summary>triage answered.</summary>
    public bool TriageOk { get; private init; }
    /// <summary>triage's error, when it failed.</summary>
    public string? TriageError { get; private init; }
    /// <summary>Crash signature.</summary>
    public string? Signature { get; private init; }
    /// <summary>The crash finding's title.</summary>
    public string? Title { get; private init; }
    /// <summary>triage's stopped_by.</summary>
    public string? StoppedBy { get; private init; }
    /// <summary>The findings table.</summary>
    public IReadOnlyList<FindingRecord> Findings { get; private init; } = [];
    /// <summary>Kernel release.</summary>
    public string? Release { get; private init; }
    /// <summary>VMCOREINFO BUILD-ID.</summary>
    public string? BuildId { get; private init; }
    /// <summary>utsname nodename.</summary>
    public string? Host { get; private init; }
    /// <summary>Crash time, ISO 8601 UTC.</summary>
    public string? DumpTime { get; private init; }
    /// <summary>dumpinfo's format.</summary>
    public string? CaptureFormat { get; private init; }

    /// <summary>Reads the child's standard output; lines that are not JSON documents are ignored.</summary>
    public static TriageOutput Parse(string stdout)
    {
        var docs = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith('{')) continue;
            try
            {
                var root = JsonDocument.Parse(line).RootElement;
                if (root.TryGetProperty("command", out var c) && c.GetString() is { } command) docs[command] = root;
            }
            catch (JsonException) { }
        }
        JsonElement? triageRecord = null, findings = null, sys = null, dumpinfo = null;
        bool triageOk = false;
        string? triageError = null;
        if (docs.TryGetValue("triage", out var triage))
        {
            triageOk = triage.GetProperty("ok").GetBoolean();
            triageError = Text(triage, "error");
            triageRecord = Block(triage, "triage");
            findings = Block(triage, "findings");
        }
        if (docs.TryGetValue("sys", out var s) && s.GetProperty("ok").GetBoolean()) sys = FirstRecord(s);
        if (docs.TryGetValue("dumpinfo", out var di) && di.GetProperty("ok").GetBoolean()) dumpinfo = Block(di, "DUMP");

        var rows = new List<FindingRecord>();
        if (findings is { } table)
            foreach (var row in table.GetProperty("rows").EnumerateArray())
                rows.Add(new FindingRecord(row.GetProperty("rank").GetInt32(), Text(row, "severity") ?? "", Text(row, "kind") ?? "", Text(row, "title") ?? "", Text(row, "source")));
        string? Field(JsonElement? record, string key) => record is { } r && r.GetProperty("fields") is var f ? Text(f, key) : null;
        return new TriageOutput
        {
            TriageOk = triageOk,
            TriageError = triageError,
            Signature = Field(triageRecord, "signature"),
            StoppedBy = Field(triageRecord, "stopped_by"),
            Title = rows.FirstOrDefault(r => r.Kind == "crash")?.Title ?? Field(triageRecord, "panic"),
            Findings = rows,
            Release = Field(triageRecord, "release") ?? Field(sys, "release") ?? Field(dumpinfo, "osrelease"),
            BuildId = Field(dumpinfo, "build_id"),
            Host = Field(sys, "nodename"),
            DumpTime = CrashTime(Field(dumpinfo, "crashtime")) ?? SysDate(Field(sys, "date")),
            CaptureFormat = Field(dumpinfo, "format"),
        };
    }

    /// <summary>VMCOREINFO CRASHTIME as dumpinfo shows it: "1795913329 (2026-11-29 00:48:49 UTC)".</summary>
    private static string? CrashTime(string? text)
    {
        if (text is null) return null;
        var seconds = text.Split(' ', 2)[0];
        return long.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            ? Iso(DateTimeOffset.FromUnixTimeSeconds(s).UtcDateTime) : null;
    }

    /// <summary>sys's DATE: "Sun Nov 29 00:48:49 UTC 2026" (the kernel's wall clock at the dump).</summary>
    private static string? SysDate(string? text) =>
        text is not null && DateTime.TryParseExact(System.Text.RegularExpressions.Regex.Replace(text, " +", " "), "ddd MMM d HH:mm:ss 'UTC' yyyy",
            CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? Iso(t) : null;

    /// <summary>A time as the store writes it.</summary>
    public static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static JsonElement? Block(JsonElement document, string title)
    {
        foreach (var block in document.GetProperty("blocks").EnumerateArray())
            if (block.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == title) return block;
        return null;
    }

    private static JsonElement? FirstRecord(JsonElement document)
    {
        foreach (var block in document.GetProperty("blocks").EnumerateArray())
            if (block.GetProperty("type").GetString() == "record") return block;
        return null;
    }

    private static string? Text(JsonElement obj, string key) =>
        obj.TryGetProperty(key, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
            _ => null,
        } : null;
}
