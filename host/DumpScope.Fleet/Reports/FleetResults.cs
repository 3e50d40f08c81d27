using DumpScope.Fleet.Triage;

namespace DumpScope.Fleet.Reports;

/// <summary>
/// The report as command results, so the host's renderers print it (text, --json documents, --html with the charts
/// drawn): <c>fleet</c> and <c>fleet show SIGNATURE</c>.
/// </summary>
public static class FleetResults
{
    /// <summary>Series drawn in a chart before the rest is summed into "other" (a chart of 40 colours says nothing).</summary>
    public const int ChartedSignatures = 8;

    /// <summary><c>fleet</c>: totals, signatures ranked, crashes per day and per kernel, failed dumps.</summary>
    public static CommandResult Overview(FleetReport report)
    {
        var result = new CommandResult();
        result.Add(new RecordBlock { Title = "fleet" })
            .Add("dumps", Cell.Int(report.Dumps))
            .Add("triaged", Cell.Int(report.Triaged))
            .Add("failed", Cell.Int(report.Failed.Count))
            .Add("crashes", Cell.Int(report.Crashes.Count))
            .Add("without crash", "without_crash", Cell.Int(report.WithoutSignature))
            .Add("signatures", Cell.Int(report.Signatures.Count));
        var table = result.Add(new TableBlock(
            new Column("#", CellKind.Integer, "rank"), new Column("SIGNATURE", CellKind.Text, "signature"), new Column("DUMPS", CellKind.Integer, "dumps"),
            new Column("FIRST SEEN", CellKind.Text, "first_seen"), new Column("LAST SEEN", CellKind.Text, "last_seen"),
            new Column("KERNELS", CellKind.Text, "kernels"), new Column("HOSTS", CellKind.Text, "hosts"),
            new Column("CRASH", CellKind.Text, "title"), new Column("EXAMPLE", CellKind.Text, "example")) { Title = "signatures" });
        int rank = 0;
        foreach (var s in report.Signatures)
            table.AddRow(Cell.Int(++rank), Cell.Text(s.Signature), Cell.Int(s.Dumps), Time(s.FirstSeen), Time(s.LastSeen),
                Cell.Text(string.Join(", ", s.Kernels)), Cell.Text(string.Join(", ", s.Hosts)), Cell.Text(s.Title), Cell.Text(s.ExamplePath));
        if (report.Crashes.Count > 0)
        {
            result.Add(PerLabel(report, r => r.Dump.DumpTime is { Length: >= 10 } t ? t[..10] : "unknown", "crashes per day", "day"));
            result.Add(PerLabel(report, r => r.Dump.KernelRelease ?? "unknown", "kernels affected", "kernel"));
        }
        if (report.Failed.Count > 0) result.Add(FailedTable(report.Failed));
        return result;
    }

    /// <summary><c>fleet show SIGNATURE</c>: the signature, every dump of it, the example's findings.</summary>
    public static CommandResult Show(FleetReport report, SignatureSummary s, TriageRecord? example)
    {
        var result = new CommandResult();
        result.Add(new RecordBlock { Title = "signature" })
            .Add("signature", Cell.Text(s.Signature))
            .Add("crash", "title", Cell.Text(s.Title))
            .Add("stopped by", "stopped_by", s.StoppedBy is { } by ? Cell.Enum(by) : Cell.NotAvailable("triage gave no stopped_by"))
            .Add("dumps", Cell.Int(s.Dumps))
            .Add("first seen", "first_seen", Time(s.FirstSeen))
            .Add("last seen", "last_seen", Time(s.LastSeen))
            .Add("kernels", Cell.Text(string.Join(", ", s.Kernels)))
            .Add("hosts", Cell.Text(string.Join(", ", s.Hosts)))
            .Add("example", Cell.Text(s.ExamplePath));
        var dumps = result.Add(new TableBlock(
            new Column("DUMP TIME", CellKind.Text, "dump_time"), new Column("HOST", CellKind.Text, "host"), new Column("KERNEL", CellKind.Text, "kernel_release"),
            new Column("BUILD ID", CellKind.Text, "build_id"), new Column("FORMAT", CellKind.Text, "capture_format"), new Column("SIZE", CellKind.Size, "size"),
            new Column("HASH", CellKind.Text, "hash"), new Column("PATH", CellKind.Text, "path")) { Title = "dumps" });
        foreach (var r in report.Crashes.Where(r => r.Signature == s.Signature))
            dumps.AddRow(Time(r.Dump.DumpTime), Known(r.Dump.Host), Known(r.Dump.KernelRelease), Known(r.Dump.BuildId), Known(r.Dump.CaptureFormat),
                Cell.Size((ulong)r.Dump.Size), Cell.Text(r.Dump.Hash), Cell.Text(r.Dump.Path));
        if (example is not null)
        {
            var findings = result.Add(new TableBlock(
                new Column("#", CellKind.Integer, "rank"), new Column("SEVERITY", CellKind.Enum, "severity"), new Column("KIND", CellKind.Enum, "kind"),
                new Column("FINDING", CellKind.Text, "title")) { Title = "findings of the example" });
            foreach (var f in example.Findings) findings.AddRow(Cell.Int(f.Rank), Cell.Enum(f.Severity), Cell.Enum(f.Kind), Cell.Text(f.Title));
        }
        return result;
    }

    private static TableBlock FailedTable(IReadOnlyList<TriageRecord> failed)
    {
        var table = new TableBlock(new Column("STATUS", CellKind.Enum, "status"), new Column("REASON", CellKind.Text, "error"),
            new Column("HASH", CellKind.Text, "hash"), new Column("PATH", CellKind.Text, "path")) { Title = "failed dumps" };
        foreach (var r in failed) table.AddRow(Cell.Enum(r.Status.Name()), Cell.Text(r.Error ?? ""), Cell.Text(r.Dump.Hash), Cell.Text(r.Dump.Path));
        return table;
    }

    /// <summary>A stacked bar chart: one bar per label (day, kernel), one series per signature (the top ones, then "other").</summary>
    private static ChartBlock PerLabel(FleetReport report, Func<TriageRecord, string> label, string title, string labelName)
    {
        var labels = report.Crashes.Select(label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var charted = report.Signatures.Take(ChartedSignatures).Select(s => s.Signature).ToList();
        var series = charted.Select(sig => new ChartSeries(sig, labels.Select(l => (double)report.Crashes.Count(r => r.Signature == sig && label(r) == l)).ToList())
        {
            Key = "sig_" + sig.Replace(':', '_'),
        }).ToList();
        if (report.Signatures.Count > ChartedSignatures)
            series.Add(new ChartSeries("other", labels.Select(l => (double)report.Crashes.Count(r => !charted.Contains(r.Signature!) && label(r) == l)).ToList()));
        return new ChartBlock(ChartKind.StackedBar, labels, [.. series]) { Title = title, LabelName = labelName };
    }

    private static Cell Time(string? iso) => iso is null ? Cell.NotAvailable("the dump carries no crash time") : Cell.Text(iso);

    private static Cell Known(string? text) => text is null ? Cell.NotAvailable("not in the dump") : Cell.Text(text);
}
