namespace DumpScope.Plugins.Triage.Tests;

/// <summary>A triage result read back from its typed blocks: the summary fields and the findings rows.</summary>
internal sealed class TriageView(CommandResult result)
{
    public CommandResult Result { get; } = result;

    public RecordBlock Summary => Result.Blocks.OfType<RecordBlock>().Single(b => b.Title == "triage");

    public TableBlock FindingsTable => Result.Blocks.OfType<TableBlock>().Single(b => b.Title == "findings");

    /// <summary>A summary field's value by JSON key (null when absent or marked unavailable).</summary>
    public object? this[string key] => Summary.Fields.Single(f => f.JsonKey == key).Value.Value;

    public bool Has(string key) => Summary.Fields.Any(f => f.JsonKey == key);

    public IReadOnlyList<(string Severity, string Kind, string Title, string Evidence, TableRow Row)> Findings =>
        FindingsTable.Rows.Select(r => ((string)r.Cells[1].Value!, (string)r.Cells[2].Value!, (string)r.Cells[3].Value!, (string)r.Cells[5].Value!, r)).ToArray();

    public (string Severity, string Kind, string Title, string Evidence, TableRow Row) Finding(string kind) => Findings.First(f => f.Kind == kind);

    /// <summary>The panic stack detail table's frames (with -v): function and reliable.</summary>
    public IReadOnlyList<(string Function, bool Reliable)> PanicStack =>
        Result.Blocks.OfType<TableBlock>().Single(b => b.Title?.StartsWith("panic stack", StringComparison.Ordinal) == true).Rows
            .Where(r => r.Cells[1].HasValue).Select(r => ((string)r.Cells[1].Value!, (bool)r.Cells[4].Value!)).ToArray();
}
