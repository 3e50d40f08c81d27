namespace DumpScope.Host.Rendering;

/// <summary>The output formats of the command line (docs/json.md describes the JSON ones).</summary>
public enum OutputFormat
{
    /// <summary>crash-like aligned text.</summary>
    Text,
    /// <summary>One JSON document per command, one line each (what <c>--json</c> prints).</summary>
    Json,
    /// <summary>One JSON object per table row, record and text line.</summary>
    JsonLines,
    /// <summary>Tables as RFC 4180 CSV with a header of column keys.</summary>
    Csv,
    /// <summary>One self-contained HTML page for the whole batch, charts drawn.</summary>
    Html,
}

/// <summary>Parses format names and makes their renderers.</summary>
public static class OutputFormats
{
    /// <summary>The names <c>--format</c> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["text", "json", "jsonl", "csv", "html"];

    /// <summary>The format called <paramref name="name"/>, or null.</summary>
    public static OutputFormat? Parse(string name) => name.ToLowerInvariant() switch
    {
        "text" => OutputFormat.Text,
        "json" => OutputFormat.Json,
        "jsonl" => OutputFormat.JsonLines,
        "csv" => OutputFormat.Csv,
        "html" => OutputFormat.Html,
        _ => null,
    };

    /// <summary>The renderer of a format.</summary>
    public static IResultRenderer Renderer(OutputFormat format) => format switch
    {
        OutputFormat.Json => new JsonRenderer(),
        OutputFormat.JsonLines => new JsonLinesRenderer(),
        OutputFormat.Csv => new CsvRenderer(),
        OutputFormat.Html => new HtmlRenderer(),
        _ => new TextRenderer(),
    };
}
