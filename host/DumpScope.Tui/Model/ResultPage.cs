using DumpScope.Host.Rendering;

namespace DumpScope.Tui.Model;

/// <summary>
/// One page of the results area: a command line, its result turned into block models, and the view state (block,
/// cursor, filter, sort) that going back restores.
/// </summary>
internal sealed class ResultPage(string commandLine, CommandResult result, IReadOnlyList<BlockModel> blocks, string header)
{
    /// <summary>A leading record with at most this many fields, followed by other blocks, becomes the page's header line.</summary>
    public const int HeaderMaxFields = 6;

    /// <summary>The command line that produced the page (its breadcrumb).</summary>
    public string CommandLine { get; } = commandLine;

    /// <summary>The result shown.</summary>
    public CommandResult Result { get; } = result;

    /// <summary>
    /// What the page is about in one line ("TYPE: struct task_struct   ADDRESS: ffff…"), from a short leading record
    /// that would otherwise be a tab of its own; "" when there is none.
    /// </summary>
    public string Header { get; } = header;

    /// <summary>Block models in result order; warnings, when any, come last as a text block.</summary>
    public IReadOnlyList<BlockModel> Blocks { get; } = blocks;

    /// <summary>The block shown (tab index).</summary>
    public int SelectedBlock { get; set; }

    /// <summary>The filter text in force on this page.</summary>
    public string Filter { get; private set; } = "";

    /// <summary>Builds the page for a result (off the UI thread: a large result takes a while, and <paramref name="cancellation"/> stops it).</summary>
    public static ResultPage From(string commandLine, CommandResult result, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        var blocks = new List<BlockModel>(result.Blocks.Count + 1);
        var counts = new Dictionary<string, int>();
        var titles = new HashSet<string>(StringComparer.Ordinal);
        var header = "";
        var shown = result.UndrawnBlocks.ToList();
        var content = shown.AsEnumerable();
        if (shown is [RecordBlock { Targets.Count: 0 } lead, _, ..] && lead.Fields.Count <= HeaderMaxFields && lead.Fields.All(f => f.Target is null))
        {
            header = string.Join(SummaryLines.Separator, lead.Fields.Select(f => $"{f.Name}: {CellFormatter.Format(f.Value, CellFormatter.ReasonWidth)}"));
            content = content.Skip(1);
        }
        foreach (var block in content)
        {
            cancellation.ThrowIfCancellationRequested();
            var kind = block switch
            {
                TableBlock => "Table",
                RecordBlock => "Record",
                ChartBlock => "Chart",
                _ => "Text",
            };
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
            var title = string.IsNullOrWhiteSpace(block.Title) ? $"{kind} {counts[kind]}" : block.Title!;
            for (var n = 2; !titles.Add(title); n++)
                title = $"{block.Title} ({n})";
            blocks.Add(block switch
            {
                TableBlock t => TableBlockModel.FromTable(t, title, cancellation),
                RecordBlock r => TableBlockModel.FromRecord(r, title),
                ChartBlock c => TableBlockModel.FromTable(ChartText.Table(c), title, cancellation),
                TextBlock x => new TextBlockModel(title, x.Lines),
                _ => new TextBlockModel(title, [$"(a {block.GetType().Name} block this TUI cannot show)"]),
            });
        }
        if (result.Warnings.Count > 0)
            blocks.Add(new TextBlockModel($"Warnings ({result.Warnings.Count})", result.Warnings));
        if (blocks.Count == 0)
            blocks.Add(new TextBlockModel("Output", ["(no output)"]));
        return new ResultPage(commandLine, result, blocks, header);
    }

    /// <summary>Applies <paramref name="filter"/> to every block.</summary>
    public void SetFilter(string? filter)
    {
        Filter = filter?.Trim() ?? "";
        foreach (var block in Blocks)
            block.SetFilter(Filter);
    }

    /// <summary>A one-line summary for the status line ("12 rows, 1 warning").</summary>
    public string Describe()
    {
        var parts = new List<string>();
        foreach (var block in Blocks)
        {
            switch (block)
            {
                case TableBlockModel { IsTree: true } t:
                    parts.Add($"{t.TotalRows} members");
                    break;
                case TableBlockModel t:
                    var unit = t.IsRecord ? "fields" : "rows";
                    parts.Add(t.Rows == t.TotalRows ? $"{t.TotalRows} {unit}" : $"{t.Rows}/{t.TotalRows} {unit}");
                    break;
                case TextBlockModel x when !ReferenceEquals(x, Blocks[^1]) || Result.Warnings.Count == 0:
                    parts.Add(x.VisibleLines.Count == x.TotalLines ? $"{x.TotalLines} lines" : $"{x.VisibleLines.Count}/{x.TotalLines} lines");
                    break;
            }
        }
        if (Result.Warnings.Count > 0)
            parts.Add(Result.Warnings.Count == 1 ? "1 warning" : $"{Result.Warnings.Count} warnings");
        return string.Join(", ", parts);
    }
}
