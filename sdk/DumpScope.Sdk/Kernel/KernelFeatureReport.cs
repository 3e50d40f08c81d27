namespace DumpScope.Sdk.Kernel;

/// <summary>
/// The "KERNEL FEATURES" table of dumpinfo and <c>sys -v</c>: runs every <see cref="IKernelFeatureProbe"/>
/// (a probe that throws is listed as such, the others go on), then lists <see cref="IKernel.Features"/>.
/// </summary>
public static class KernelFeatureReport
{
    /// <summary>The table title.</summary>
    public const string Title = "KERNEL FEATURES";

    /// <summary>Runs the probes and builds the table.</summary>
    public static TableBlock Build(IKernel kernel, IEnumerable<IKernelFeatureProbe> probes)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var failed = new List<(string Probe, string Why)>();
        foreach (var probe in probes ?? [])
        {
            try
            {
                probe.Probe(kernel);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A probe is a diagnostic aid: its failure is shown, never fatal to the listing.
                failed.Add((probe.GetType().Name, $"{e.GetType().Name}: {e.Message}"));
            }
        }
        var table = new TableBlock(new Column("FEATURE"), new Column("VALUE"), new Column("HOW PROBED"), new Column("BY")) { Title = Title };
        foreach (var feature in kernel.Features.All)
            table.AddRow(Cell.Text(feature.Name), Cell.Text(feature.Value), Cell.Text(feature.HowProbed), Cell.Text(feature.ReportedBy));
        foreach (var (probe, why) in failed)
            table.AddRow(Cell.Text(probe), Cell.Unreadable($"the probe failed: {why}"), Cell.Text(""), Cell.Text(probe));
        return table;
    }
}
