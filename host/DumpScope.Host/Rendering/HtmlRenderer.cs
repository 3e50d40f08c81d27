using System.Net;

namespace DumpScope.Host.Rendering;

/// <summary>
/// Results as one self-contained HTML page (<c>--format html</c>, <c>--html FILE</c>): inline CSS, no script, no
/// external resource; each command a section, tables as HTML tables (numbers right-aligned, absent values with
/// their reason as a tooltip and each row's problem under it), records as definition lists, text as preformatted
/// lines, and charts drawn as inline SVG (<see cref="HtmlCharts"/>) with their numbers in a table beside them.
/// A page holds several commands, so the renderer collects them and <see cref="Complete"/> writes the page.
/// </summary>
public sealed class HtmlRenderer : IResultRenderer, IDocumentRenderer
{
    private readonly List<(string Command, CommandResult Result)> _sections = [];

    /// <summary>Creates a renderer; <paramref name="subject"/> (the dump's path) heads the page.</summary>
    public HtmlRenderer(string? subject = null) => Subject = subject;

    /// <summary>What the page is about (the dump), or null.</summary>
    public string? Subject { get; set; }

    /// <inheritdoc/>
    public bool EchoesCommands => false;

    /// <inheritdoc/>
    public void Write(string commandLine, CommandResult result, TextWriter output, TextWriter errors) => _sections.Add((commandLine, result));

    /// <inheritdoc/>
    public void Complete(TextWriter output)
    {
        output.Write(Page(_sections, Subject));
        _sections.Clear();
    }

    /// <summary>The page of <paramref name="sections"/> (command line and result, in order).</summary>
    public static string Page(IEnumerable<(string Command, CommandResult Result)> sections, string? subject = null)
    {
        var list = sections.ToList();
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<title>DumpScope").Append(subject is null ? "" : ": " + Encode(subject)).Append("</title>\n");
        html.Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");
        html.Append("<header><h1>DumpScope</h1>");
        if (subject is not null) html.Append("<p class=\"subject\">").Append(Encode(subject)).Append("</p>");
        html.Append("</header>\n<main>\n");
        for (int i = 0; i < list.Count; i++) Section(html, i, list[i].Command, list[i].Result);
        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void Section(StringBuilder html, int index, string command, CommandResult result)
    {
        html.Append("<section class=\"command").Append(result.Failed ? " failed" : "").Append("\" id=\"command-").Append(index + 1).Append("\">\n");
        html.Append("<h2><code>").Append(Encode(command)).Append("</code></h2>\n");
        for (int b = 0; b < result.Blocks.Count; b++)
        {
            var block = result.Blocks[b];
            switch (block)
            {
                case TableBlock table: Table(html, table.For(ColumnUse.Text), "data"); break;
                case RecordBlock record: Record(html, record); break;
                case ChartBlock chart: Chart(html, chart, $"c{index + 1}-{b + 1}"); break;
                case TextBlock text:
                    if (text.Title is not null) html.Append("<h3>").Append(Encode(text.Title)).Append("</h3>\n");
                    html.Append("<pre class=\"text\">");
                    foreach (var line in text.Lines) html.Append(Encode(line)).Append('\n');
                    html.Append("</pre>\n");
                    break;
            }
        }
        if (result.Warnings.Count > 0)
        {
            html.Append("<ul class=\"warnings\">\n");
            foreach (var warning in result.Warnings) html.Append("<li>warning: ").Append(Encode(warning)).Append("</li>\n");
            html.Append("</ul>\n");
        }
        if (result.Error is not null) html.Append("<p class=\"error\">error: ").Append(Encode(result.Error)).Append("</p>\n");
        html.Append("</section>\n");
    }

    private static void Table(StringBuilder html, TableBlock table, string cssClass)
    {
        html.Append("<table class=\"").Append(cssClass).Append("\">\n");
        if (table.Title is not null) html.Append("<caption>").Append(Encode(table.Title)).Append("</caption>\n");
        html.Append("<thead><tr>");
        foreach (var column in table.Columns)
            html.Append("<th").Append(CellFormatter.RightAligned(column.Kind) ? " class=\"num\"" : "").Append('>').Append(Encode(column.Name)).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in table.Rows)
        {
            html.Append(row.Problem is null ? "<tr>" : "<tr class=\"has-problem\">");
            for (int i = 0; i < row.Cells.Length; i++) Cell(html, row.Cells[i], table.Columns[i].Kind);
            html.Append("</tr>\n");
            if (row.Problem is not null)
                html.Append("<tr class=\"problem\"><td colspan=\"").Append(table.Columns.Count).Append("\">").Append(Encode(row.Problem)).Append("</td></tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    private static void Cell(StringBuilder html, Cell cell, CellKind kind)
    {
        var classes = new List<string>();
        if (CellFormatter.RightAligned(kind)) classes.Add("num");
        if (cell.Absence != Absence.None) classes.Add("absent");
        html.Append("<td");
        if (classes.Count > 0) html.Append(" class=\"").Append(string.Join(' ', classes)).Append('"');
        if (cell.Absence != Absence.None && cell.Reason is { } reason) html.Append(" title=\"").Append(Encode(reason)).Append('"');
        html.Append('>').Append(Encode(CellFormatter.Format(cell))).Append("</td>");
    }

    private static void Record(StringBuilder html, RecordBlock record)
    {
        if (record.Title is not null) html.Append("<h3>").Append(Encode(record.Title)).Append("</h3>\n");
        html.Append("<dl class=\"record\">\n");
        foreach (var field in record.Fields)
        {
            html.Append("<dt>").Append(Encode(field.Name)).Append("</dt><dd");
            if (field.Value.Absence != Absence.None) html.Append(" class=\"absent\"");
            html.Append('>').Append(Encode(CellFormatter.FormatFull(field.Value))).Append("</dd>\n");
        }
        html.Append("</dl>\n");
    }

    private static void Chart(StringBuilder html, ChartBlock chart, string id)
    {
        html.Append("<figure class=\"chart\" id=\"").Append(id).Append("\">\n");
        if (chart.Title is not null) html.Append("<figcaption>").Append(Encode(chart.Title)).Append("</figcaption>\n");
        try
        {
            html.Append(HtmlCharts.Svg(chart, id)).Append('\n');
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or InvalidOperationException or ArgumentException)
        {
            // No native Skia here: the numbers below still say everything the drawing would.
            html.Append("<p class=\"error\">chart not drawn: ").Append(Encode(e.GetBaseException().Message)).Append("</p>\n");
        }
        if (chart.Series.Count > 1 || chart.Kind == ChartKind.Pie)
        {
            html.Append("<ul class=\"legend\">");
            var names = chart.Kind == ChartKind.Pie ? chart.Labels : chart.Series.Select(s => s.Name).ToList();
            for (int i = 0; i < names.Count; i++)
                html.Append("<li><span class=\"swatch\" style=\"background:").Append(HtmlCharts.Color(i)).Append("\"></span>").Append(Encode(names[i])).Append("</li>");
            html.Append("</ul>\n");
        }
        html.Append("<details><summary>numbers</summary>\n");
        Table(html, chart.ToTable(), "data chart-data");
        html.Append("</details>\n</figure>\n");
    }

    /// <summary>Text for HTML content and attribute values: &lt; &gt; &amp; and both quotes escaped.</summary>
    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    private const string Css = """
        :root { color-scheme: light; --fg: #1b1f24; --muted: #59636e; --line: #d1d9e0; --bad: #b42318; --warn: #9a6700; --head: #f6f8fa; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); margin: 0 auto; max-width: 1200px; padding: 1em 2em; }
        header h1 { font-size: 1.4em; margin: 0; } .subject { color: var(--muted); margin: .2em 0 1em; font-family: ui-monospace, monospace; }
        section.command { border-top: 1px solid var(--line); padding: .5em 0 1em; }
        h2 { font-size: 1.1em; } h2 code { background: var(--head); padding: .15em .4em; border-radius: 4px; }
        h3 { font-size: 1em; margin: 1em 0 .3em; }
        table.data { border-collapse: collapse; margin: .6em 0 1em; font-family: ui-monospace, "SFMono-Regular", Menlo, monospace; font-size: 12.5px; }
        table.data caption { text-align: left; font-weight: 600; font-family: system-ui, sans-serif; font-size: 14px; padding: .3em 0; }
        table.data th, table.data td { border: 1px solid var(--line); padding: 2px 8px; text-align: left; white-space: nowrap; }
        table.data th { background: var(--head); } .num { text-align: right !important; }
        td.absent, dd.absent { color: var(--bad); font-style: italic; }
        tr.problem td { color: var(--bad); background: #fff5f5; font-size: 12px; white-space: normal; }
        dl.record { display: grid; grid-template-columns: max-content auto; gap: 2px 1em; margin: .5em 0 1em; }
        dl.record dt { font-weight: 600; } dl.record dd { margin: 0; font-family: ui-monospace, monospace; }
        pre.text { background: var(--head); padding: .6em; overflow-x: auto; }
        ul.warnings { color: var(--warn); padding-left: 1.2em; } p.error { color: var(--bad); font-weight: 600; }
        figure.chart { margin: 1em 0; } figure.chart figcaption { font-weight: 600; margin-bottom: .3em; }
        figure.chart svg { max-width: 100%; height: auto; border: 1px solid var(--line); }
        ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3em 1.2em; }
        .swatch { display: inline-block; width: .9em; height: .9em; margin-right: .35em; vertical-align: -1px; }
        details summary { cursor: pointer; color: var(--muted); }

        """;
}
