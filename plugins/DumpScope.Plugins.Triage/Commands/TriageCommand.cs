using DumpScope.Plugins.Triage.Findings;

namespace DumpScope.Plugins.Triage.Commands;

/// <summary>
/// <c>triage</c>: one page saying what happened: what stopped the kernel (with the panicking task's stack and a crash
/// signature), taint, hung tasks, lockups, RCU stalls, OOM kills, memory pressure, ranked by severity, each with its
/// evidence and the command that shows more. The JSON form is versioned: docs/triage-schema.md.
/// </summary>
[Command("triage", Help = "what happened: the crash, taint, hung tasks, lockups, OOM, memory pressure, ranked, with a crash signature (triage [-v] [--timings])",
    Examples = ["triage  the one-page answer", "triage -v  also the panic stack, D-state tasks, top slab caches and top tasks by RSS",
        "triage --timings  how long each finding source took"], SeeAlso = ["bt", "log", "ps", "kmem -s", "kmem -i", "sys"])]
public sealed class TriageCommand(TriageAnalyzer analyzer) : ICommand
{
    /// <summary>The version of the triage result's layout (docs/triage-schema.md).</summary>
    public const int SchemaVersion = 1;

    /// <summary>Evidence lines a finding shows in text (JSON has them all).</summary>
    public const int TextEvidence = 6;

    /// <summary>-v: the detail tables.</summary>
    [Option("-v", "--verbose", Help = "also the panic stack, the D-state tasks, the top slab caches and the top tasks by RSS")]
    public bool Verbose { get; set; }

    /// <summary>--timings: milliseconds per finding source.</summary>
    [Option("--timings", Help = "how long each finding source took, in milliseconds")]
    public bool Timings { get; set; }

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var report = analyzer.Analyze(context.Cancellation);
        return Render(report, Verbose, Timings);
    }

    /// <summary>The report as result blocks: the findings table, the summary record, then details and timings when asked.</summary>
    public static CommandResult Render(TriageReport report, bool verbose, bool timings)
    {
        var result = new CommandResult();
        var findings = result.Add(new TableBlock(new Column("#", CellKind.Integer, "rank"), new Column("SEVERITY", CellKind.Enum, "severity"),
            new Column("KIND", CellKind.Enum, "kind"), new Column("FINDING", CellKind.Text, "title"), new Column("SOURCE", CellKind.Text, "source"),
            new Column("EVIDENCE", CellKind.Text, "evidence")) { Title = "findings", TextFromRows = true });
        for (int i = 0; i < report.Findings.Count; i++)
        {
            var f = report.Findings[i];
            var row = findings.AddRow(Cell.Int(i + 1), Cell.Enum(f.Severity.ToString().ToLowerInvariant()).Displayed(Label(f.Severity)), Cell.Enum(f.Kind),
                Cell.Text(f.Title), Cell.Text(f.Source), Evidence(f));
            row.Targets.AddRange(f.Targets);
            row.Text = Text(f, verbose ? int.MaxValue : TextEvidence);
        }
        // The findings come first (the page the terminal UI opens on), then the facts.
        var summary = result.Add(new RecordBlock { Title = "triage" });
        summary.Add("TRIAGE SCHEMA", "triage_schema", Cell.Int(SchemaVersion));
        summary.Fields.AddRange(report.Summary);
        summary.Targets.Add(new NavigationTarget("kernel log", "log"));
        // The charts picture the summary's and the findings' numbers: only HTML shows them (the text stays one page).
        result.Blocks.AddRange(report.Charts);
        if (verbose) result.Blocks.AddRange(report.Details);
        if (timings)
        {
            var table = result.Add(new TableBlock(new Column("SOURCE", CellKind.Text, "source"), new Column("MS", CellKind.Text, "ms")) { Title = "timings" });
            foreach (var (source, ms) in report.Timings) table.AddRow(Cell.Text(source), Cell.Text(ms.ToString("F1", CultureInfo.InvariantCulture)));
            table.AddRow(Cell.Text("total"), Cell.Text(report.Timings.Sum(t => t.Milliseconds).ToString("F1", CultureInfo.InvariantCulture)));
        }
        result.Warnings.AddRange(report.Warnings);
        return result;
    }

    // Every line for data outputs (one per "\n"); the first line where one line is shown (the terminal UI's table).
    private static Cell Evidence(Finding finding)
    {
        var cell = Cell.Text(string.Join('\n', finding.Evidence));
        return finding.Evidence.Count switch
        {
            0 => cell,
            1 => cell.Displayed(finding.Evidence[0]),
            _ => cell.Displayed($"{finding.Evidence[0]} (+{finding.Evidence.Count - 1} lines)"),
        };
    }

    private static string Label(Severity severity) => severity switch
    {
        Severity.Critical => "CRIT",
        Severity.Error => "ERROR",
        Severity.Warning => "WARN",
        _ => "INFO",
    };

    // "CRIT  title" then the evidence indented, at most `lines` of it.
    private static string Text(Finding finding, int lines)
    {
        var text = new StringBuilder();
        text.Append(Label(finding.Severity).PadRight(6)).Append(finding.Title);
        foreach (var line in finding.Evidence.Take(lines)) text.Append("\n      ").Append(line);
        if (finding.Evidence.Count > lines) text.Append("\n      (").Append(finding.Evidence.Count - lines).Append(" more lines: triage -v)");
        return text.ToString();
    }
}
