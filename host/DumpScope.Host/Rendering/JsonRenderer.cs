using System.Globalization;
using System.Text;
using System.Text.Json;
using DumpScope.Sdk.Commands;

namespace DumpScope.Host.Rendering;

/// <summary>
/// Renders a result as one JSON document with stable field names:
/// <c>{"command", "ok", "error", "warnings", "blocks": [{"type": "table"|"record"|"text", "title", …}]}</c>.
/// Table rows are objects keyed by each column's <see cref="Column.JsonKey"/>. Addresses are strings of hex
/// digits ("0xffff888003a4c000") because JSON numbers lose 64-bit precision; absent values are objects
/// <c>{"absent": "unreadable", "reason": "…"}</c>.
/// </summary>
public static class JsonRenderer
{
    /// <summary>Renders a result; <paramref name="indented"/> for humans, compact for JSON Lines.</summary>
    public static string Render(string commandLine, CommandResult result, bool indented = false)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            w.WriteStartObject();
            w.WriteString("command", commandLine);
            w.WriteBoolean("ok", !result.Failed);
            if (result.Error is null) w.WriteNull("error"); else w.WriteString("error", result.Error);
            w.WriteStartArray("warnings");
            foreach (var warning in result.Warnings) w.WriteStringValue(warning);
            w.WriteEndArray();
            w.WriteStartArray("blocks");
            foreach (var block in result.Blocks) WriteBlock(w, block);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteBlock(Utf8JsonWriter w, ResultBlock block)
    {
        w.WriteStartObject();
        switch (block)
        {
            case TableBlock table:
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
                foreach (var row in table.Rows)
                {
                    w.WriteStartObject();
                    for (int i = 0; i < row.Cells.Length; i++)
                    {
                        w.WritePropertyName(table.Columns[i].JsonKey);
                        WriteCell(w, row.Cells[i]);
                    }
                    if (row.Problem is not null) w.WriteString("_problem", row.Problem);
                    if (row.Targets.Count > 0) WriteTargets(w, "_targets", row.Targets);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                break;
            case RecordBlock record:
                w.WriteString("type", "record");
                WriteTitle(w, block);
                w.WriteStartObject("fields");
                foreach (var field in record.Fields)
                {
                    w.WritePropertyName(field.Name);
                    WriteCell(w, field.Value);
                }
                w.WriteEndObject();
                if (record.Targets.Count > 0) WriteTargets(w, "targets", record.Targets);
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
            w.WriteEndObject();
        }
        w.WriteEndArray();
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
