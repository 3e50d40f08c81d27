namespace DumpScope.Host.Rendering;

/// <summary>
/// One compact JSON object per line for every table row, record and text line, each naming its command and
/// block (<c>"_command"</c>, <c>"_block"</c>, <c>"_title"</c>), so a script can stream rows through jq or
/// line-oriented tools. Warnings and errors are objects of their own (<c>"_warning"</c>, <c>"_error"</c>).
/// </summary>
public sealed class JsonLinesRenderer : IResultRenderer
{
    /// <inheritdoc/>
    public bool EchoesCommands => false;

    /// <inheritdoc/>
    public bool Streams => true;

    /// <inheritdoc/>
    public void Write(string commandLine, CommandResult result, TextWriter output, TextWriter errors)
    {
        var blocks = result.UndrawnBlocks.ToList();
        for (int b = 0; b < blocks.Count; b++)
        {
            var block = blocks[b];
            switch (block is TextBlock { Entries: { } entries } ? entries : block is ChartBlock chart ? chart.ToTable() : block)
            {
                case TableBlock whole:
                    var table = whole.For(ColumnUse.Data);
                    foreach (var row in table.TakeRows())
                        output.WriteLine(Line(commandLine, b, block, w => JsonRenderer.WriteRowFields(w, table, row)));
                    break;
                case RecordBlock record:
                    output.WriteLine(Line(commandLine, b, block, w => JsonRenderer.WriteRecordFields(w, record)));
                    break;
                case TextBlock text:
                    foreach (var line in text.Lines)
                        output.WriteLine(Line(commandLine, b, block, w => w.WriteString("line", line)));
                    break;
            }
        }
        foreach (var warning in result.Warnings)
            output.WriteLine(JsonRenderer.Write(w => { w.WriteStartObject(); w.WriteString("_command", commandLine); w.WriteString("_warning", warning); w.WriteEndObject(); }));
        if (result.Error is not null)
            output.WriteLine(JsonRenderer.Write(w => { w.WriteStartObject(); w.WriteString("_command", commandLine); w.WriteString("_error", result.Error); w.WriteEndObject(); }));
    }

    private static string Line(string commandLine, int index, ResultBlock block, Action<System.Text.Json.Utf8JsonWriter> fields) =>
        JsonRenderer.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("_command", commandLine);
            w.WriteNumber("_block", index);
            if (block.Title is not null) w.WriteString("_title", block.Title);
            fields(w);
            w.WriteEndObject();
        });
}
