using System.Text.Encodings.Web;
using System.Text.Json;

namespace DumpScope.Host.Rendering;

/// <summary>
/// Renders a result as one JSON document with stable field names (docs/json.md):
/// <c>{"schema", "command", "ok", "error", "warnings", "blocks": [{"type": "table"|"record"|"text", "title", …}]}</c>.
/// Table rows and record fields are keyed by snake_case keys (<see cref="Column.JsonKey"/>,
/// <see cref="RecordField.JsonKey"/>). Addresses are strings of hex digits ("0xffff888003a4c000") because JSON
/// numbers lose 64-bit precision; sizes and counts are numbers; absent values are objects
/// <c>{"absent": "unreadable", "reason": "…"}</c>.
/// </summary>
public sealed class JsonRenderer : IResultRenderer
{
    /// <summary>The version of the document layout; docs/json.md says what changed between versions.</summary>
    public const int SchemaVersion = 3;

    /// <summary>Writer options: compact, and only what JSON requires is escaped (no \u0027 for an apostrophe).</summary>
    internal static JsonWriterOptions WriterOptions(bool indented) =>
        new() { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <inheritdoc/>
    public bool EchoesCommands => false;

    /// <inheritdoc/>
    public bool Streams => true;

    /// <inheritdoc/>
    public void Write(string commandLine, CommandResult result, TextWriter output, TextWriter errors)
    {
        if (!result.HasStreamedRows)
        {
            output.WriteLine(Render(commandLine, result));
            return;
        }
        // A streamed table's rows are written as they come, so "ok", "error" and "warnings" (known only at the end) follow
        // "blocks" in this document: the same fields, in another order (docs/json.md).
        using var stream = new MemoryStream();
        using var w = new Utf8JsonWriter(stream, WriterOptions(indented: false));
        void Flush()
        {
            w.Flush();
            output.Write(Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length));
            output.Flush();
            stream.SetLength(0);
        }
        w.WriteStartObject();
        w.WriteNumber("schema", SchemaVersion);
        w.WriteString("command", commandLine);
        w.WriteStartArray("blocks");
        foreach (var block in result.UndrawnBlocks)
        {
            if (block is TableBlock { IsStreamed: true }) Flush();
            WriteBlock(w, block, () => { if (w.BytesPending + stream.Length >= 32 * 1024) Flush(); });
        }
        w.WriteEndArray();
        w.WriteBoolean("ok", !result.Failed);
        if (result.Error is null) w.WriteNull("error"); else w.WriteString("error", result.Error);
        w.WriteStartArray("warnings");
        foreach (var warning in result.Warnings) w.WriteStringValue(warning);
        w.WriteEndArray();
        w.WriteEndObject();
        Flush();
        output.WriteLine();
    }

    /// <summary>Renders a result; <paramref name="indented"/> for humans, compact for one line per command.</summary>
    public static string Render(string commandLine, CommandResult result, bool indented = false) =>
        Write(w =>
        {
            // One document with the status first: every row is produced before it is written.
            result.Materialize();
            w.WriteStartObject();
            w.WriteNumber("schema", SchemaVersion);
            w.WriteString("command", commandLine);
            w.WriteBoolean("ok", !result.Failed);
            if (result.Error is null) w.WriteNull("error"); else w.WriteString("error", result.Error);
            w.WriteStartArray("warnings");
            foreach (var warning in result.Warnings) w.WriteStringValue(warning);
            w.WriteEndArray();
            w.WriteStartArray("blocks");
            foreach (var block in result.UndrawnBlocks) WriteBlock(w, block);
            w.WriteEndArray();
            w.WriteEndObject();
        }, indented);

    /// <summary>Runs <paramref name="write"/> on a writer with <see cref="WriterOptions"/> and returns the text.</summary>
    internal static string Write(Action<Utf8JsonWriter> write, bool indented = false)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, WriterOptions(indented))) write(w);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteBlock(Utf8JsonWriter w, ResultBlock block, Action? rowWritten = null)
    {
        w.WriteStartObject();
        switch (block)
        {
            case TableBlock whole:
                var table = whole.For(ColumnUse.Data);
                w.WriteString("type", "table");
                WriteTitle(w, block);
                w.WriteStartArray("columns");
                foreach (var c in table.Columns)
                {
                    w.WriteStartObject();
                    w.WriteString("name", c.Name);
                    w.WriteString("key", c.JsonKey);
                    w.WriteString("kind", c.Kind.ToString().ToLowerInvariant());
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("rows");
                foreach (var row in table.TakeRows())
                {
                    w.WriteStartObject();
                    WriteRowFields(w, table, row);
                    w.WriteEndObject();
                    rowWritten?.Invoke();
                }
                w.WriteEndArray();
                break;
            case RecordBlock record:
                w.WriteString("type", "record");
                WriteTitle(w, block);
                w.WriteStartObject("fields");
                WriteRecordFields(w, record);
                w.WriteEndObject();
                if (record.Targets.Count > 0) WriteTargets(w, "targets", record.Targets);
                break;
            case TextBlock { Entries: { } entries }:
                w.WriteString("type", "entries");
                WriteTitle(w, block);
                w.WriteStartArray("entries");
                var data = entries.For(ColumnUse.Data);
                foreach (var row in data.Rows)
                {
                    w.WriteStartObject();
                    WriteRowFields(w, data, row);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                break;
            case ChartBlock chart:
                w.WriteString("type", "chart");
                WriteTitle(w, block);
                w.WriteString("kind", chart.Kind switch { ChartKind.Pie => "pie", ChartKind.StackedBar => "stacked_bar", _ => "bar" });
                w.WriteString("value_kind", chart.ValueKind.ToString().ToLowerInvariant());
                w.WriteString("label_name", chart.LabelName);
                w.WriteStartArray("labels");
                foreach (var label in chart.Labels) w.WriteStringValue(label);
                w.WriteEndArray();
                w.WriteStartArray("series");
                foreach (var series in chart.Series)
                {
                    w.WriteStartObject();
                    w.WriteString("name", series.Name);
                    w.WriteString("key", series.JsonKey);
                    w.WriteStartArray("values");
                    foreach (var value in series.Values)
                    {
                        // Integral values (counts, bytes) are written as integers, as in tables.
                        if (double.IsFinite(value) && value == Math.Floor(value) && Math.Abs(value) < 9e15) w.WriteNumberValue((long)value);
                        else w.WriteNumberValue(double.IsFinite(value) ? value : 0);
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                break;
            case TextBlock text:
                w.WriteString("type", "text");
                WriteTitle(w, block);
                w.WriteStartArray("lines");
                foreach (var line in text.Lines) w.WriteStringValue(line);
                w.WriteEndArray();
                break;
        }
        w.WriteEndObject();
    }

    /// <summary>A row's cells by column key, then "_problem" and "_targets" when present.</summary>
    internal static void WriteRowFields(Utf8JsonWriter w, TableBlock table, TableRow row)
    {
        for (int i = 0; i < row.Cells.Length; i++)
        {
            w.WritePropertyName(table.Columns[i].JsonKey);
            WriteCell(w, row.Cells[i]);
        }
        if (row.Problem is not null) w.WriteString("_problem", row.Problem);
        if (row.Targets.Count > 0) WriteTargets(w, "_targets", row.Targets);
    }

    /// <summary>A record's fields by key (a key repeated within a record gets "_2", "_3"…).</summary>
    internal static void WriteRecordFields(Utf8JsonWriter w, RecordBlock record)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var field in record.Fields)
        {
            var key = field.JsonKey;
            seen[key] = seen.TryGetValue(key, out var n) ? n + 1 : 1;
            w.WritePropertyName(seen[key] == 1 ? key : $"{key}_{seen[key]}");
            WriteCell(w, field.Value);
        }
    }

    private static void WriteTitle(Utf8JsonWriter w, ResultBlock block)
    {
        if (block.Title is null) w.WriteNull("title"); else w.WriteString("title", block.Title);
    }

    private static void WriteTargets(Utf8JsonWriter w, string name, IEnumerable<NavigationTarget> targets)
    {
        w.WriteStartArray(name);
        foreach (var t in targets)
        {
            w.WriteStartObject();
            w.WriteString("label", t.Label);
            w.WriteString("command", t.Command);
            if (t.Subject is { } subject) WriteSubject(w, subject);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteSubject(Utf8JsonWriter w, TargetSubject subject)
    {
        w.WriteStartObject("subject");
        w.WriteString("kind", subject.Kind);
        foreach (var property in subject.GetType().GetProperties())
        {
            if (property.Name is nameof(TargetSubject.Kind) or nameof(TargetSubject.Fallback) or "EqualityContract") continue;
            var value = property.GetValue(subject);
            if (value is null) continue;
            w.WritePropertyName(Column.SnakeCase(property.Name));
            switch (value)
            {
                case ulong u: w.WriteStringValue("0x" + u.ToString("x", CultureInfo.InvariantCulture)); break;
                case long l: w.WriteNumberValue(l); break;
                case int i: w.WriteNumberValue(i); break;
                case bool b: w.WriteBooleanValue(b); break;
                default: w.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
            }
        }
        w.WriteEndObject();
    }

    /// <summary>Writes one cell value.</summary>
    public static void WriteCell(Utf8JsonWriter w, Cell cell)
    {
        if (cell.Absence != Absence.None)
        {
            w.WriteStartObject();
            w.WriteString("absent", cell.Absence switch
            {
                Absence.Unreadable => "unreadable",
                Absence.Corrupt => "corrupt",
                Absence.NotApplicable => "not_applicable",
                _ => "not_available",
            });
            if (cell.Reason is null) w.WriteNull("reason"); else w.WriteString("reason", cell.Reason);
            w.WriteEndObject();
            return;
        }
        switch (cell.Kind, cell.Value)
        {
            case (CellKind.List, IReadOnlyList<Cell> items):
                w.WriteStartArray();
                foreach (var item in items) WriteCell(w, item);
                w.WriteEndArray();
                break;
            case (CellKind.Address or CellKind.Hex, ulong a): w.WriteStringValue("0x" + a.ToString("x", CultureInfo.InvariantCulture)); break;
            case (_, long l): w.WriteNumberValue(l); break;
            case (_, ulong u): w.WriteNumberValue(u); break;
            case (_, int i): w.WriteNumberValue(i); break;
            case (_, double d): w.WriteNumberValue(Math.Round(d, 4)); break;
            case (_, bool b): w.WriteBooleanValue(b); break;
            case (_, null): w.WriteNullValue(); break;
            default: w.WriteStringValue(Convert.ToString(cell.Value, CultureInfo.InvariantCulture)); break;
        }
    }
}
