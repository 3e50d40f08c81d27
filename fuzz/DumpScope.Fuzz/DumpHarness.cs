using DumpScope.Host.Dumps;

namespace DumpScope.Fuzz;

/// <summary>Opens bytes as a dump image through the same front door as a file, then reads what a session would.</summary>
internal static class DumpHarness
{
    private const string Name = "fuzz-input";
    private const int MaxPagesRead = 48;
    private const ulong ScanWindow = 2048;

    // Small limits keep one input cheap while still exercising every limit check.
    private static readonly DumpOpenOptions Options = new()
    {
        MaxProgramHeaders = 1 << 12,
        MaxNoteBytes = 1 << 20,
        MaxNotes = 1 << 10,
        MaxBitmapBytes = 1 << 22,
        MaxFlattenedRecords = 1 << 14,
        UseMemoryMapping = false,
    };

    public static void Run(byte[] data) => FuzzHarness.Tolerating(() =>
    {
        using var source = DumpOpener.OpenImage(data, Name, Options);
        Exercise(source);
    });

    /// <summary>Indexes the records directly (so an image that is not a dump still exercises the indexer), then opens normally.</summary>
    public static void RunFlattened(byte[] data)
    {
        FuzzHarness.Tolerating(() =>
        {
            using var flat = FlattenedFileView.Open(new ByteArrayFileView(data, Name), Options);
            var buffer = new byte[4096];
            long length = flat.Length;
            foreach (long at in new[] { 0L, 1, 4095, length / 2, length - 1, length, long.MaxValue })
                flat.Read(at, buffer);
        });
        Run(data);
    }

    private static void Exercise(IDumpSource source)
    {
        _ = source.FormatName;
        _ = source.Describe();
        _ = source.VmcoreInfo?.OsRelease;
        foreach (var cpu in source.Cpus) _ = cpu.Registers.Count;
        if (source is IDumpPageStatistics statistics) _ = statistics.CountPages();

        var page = new byte[source.PageSize];
        int reads = 0;
        ulong max = source.MaxPfn;
        for (ulong pfn = 0; pfn < Math.Min(max, ScanWindow) && reads < MaxPagesRead; pfn++)
        {
            var state = source.GetPageState(pfn);
            if (state == PageState.Present || pfn < 4)
            {
                Check(source.ReadPage(pfn, page), pfn);
                reads++;
            }
        }
        foreach (ulong pfn in new[] { max / 2, max - 1, max, ulong.MaxValue })
            Check(source.ReadPage(pfn, page), pfn);
    }

    private static void Check(PageRead read, ulong pfn)
    {
        // A failed read must say why: a bare state leaves the user guessing.
        if (read.State != PageState.Present && string.IsNullOrEmpty(read.Detail))
            throw new InvalidOperationException($"pfn 0x{pfn:x}: page read failed as {read.State} without a reason");
    }
}
