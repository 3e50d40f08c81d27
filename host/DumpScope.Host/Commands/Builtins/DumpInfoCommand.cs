using DumpScope.Host.Dumps;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>
/// <c>dumpinfo</c>: what the open dump file is — format, compression, dump level, page counts by state
/// (from the bitmaps or program headers, without reading page data), CPUs in the notes and a VMCOREINFO
/// summary, the kernel features probed (how kallsyms, types and page tables were found, each helper's era
/// decisions) — followed by the format reader's own facts.
/// </summary>
[Command("dumpinfo", Help = "Show the dump file's format, compression, dump level, page counts, CPUs and VMCOREINFO summary", NeedsDump = true,
    Examples = ["dumpinfo  the file's format, page counts and whether it is truncated", "dumpinfo -p  count pages of a terabyte machine's kdump too", "dumpinfo -v  also the read counters and page cache hit rate"], SeeAlso = ["sys"])]
public sealed class DumpInfoCommand : ICommand
{
    /// <summary>Also show the read counters: pages read, bytes decompressed, page cache hit rate.</summary>
    [Option("-v", "--verbose", Help = "also show the session's read counters: pages read, bytes decompressed, page cache hits and hit rate")]
    public bool Verbose { get; set; }

    /// <summary>Count page states even when that takes a pass over big bitmaps (a terabyte machine's kdump).</summary>
    [Option("-p", "--count-pages", Help = "count present/excluded pages even when that takes a pass over big bitmaps (kdumps of machines over 512 GiB)")]
    public bool CountAlways { get; set; }

    /// <summary>Above this many frames a source without a page index is not counted frame by frame.</summary>
    private const ulong MaxFramesToScan = 1UL << 28;

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var dump = context.Services.GetService(typeof(IDumpSource)) as IDumpSource ?? throw new NoDumpException();
        var facts = dump.Describe();
        string? Fact(string key)
        {
            foreach (var kv in facts)
                if (kv.Key == key) return kv.Value;
            return null;
        }

        var result = new CommandResult();
        var record = result.Add(new RecordBlock { Title = "DUMP" });
        record.Add("format", Cell.Text(dump.FormatName));
        record.Add("file", Cell.Text(dump.FilePath));
        record.Add("truncated", Cell.Text(dump.Truncation is { } truncation ? truncation.Message : "no"));
        record.Add("compression", Fact("compression") is { } compression ? Cell.Enum(compression) : Cell.NotAvailable("the reader does not say"));
        record.Add("dump level", dump is IKdumpHeaderInfo header
            ? header.DumpLevel is { } level ? Cell.Int(level) : Cell.NotAvailable("the header predates dump levels", CellKind.Integer)
            : Cell.NotAvailable("ELF cores do not record the dump level", CellKind.Integer));
        record.Add("page size", Cell.Size((ulong)dump.PageSize));
        record.Add("max pfn", Cell.Hex(dump.MaxPfn));

        string? uncounted = dump is IDumpPageStatistics { CountingIsCheap: false } && !CountAlways
            ? $"not counted: a pass over the bitmaps of {dump.MaxPfn} frames (dumpinfo -p counts them)" : null;
        if (uncounted is null && CountPages(dump, context) is { } counts)
        {
            record.Add("pages present", Cell.UInt(counts.Present));
            record.Add("pages excluded", Cell.UInt(counts.Excluded));
            record.Add("pages not in dump", Cell.UInt(counts.NotInDump));
        }
        else
        {
            var why = uncounted ?? $"{dump.MaxPfn} frames and no page index to count them from";
            record.Add("pages present", Cell.NotAvailable(why, CellKind.Integer));
            record.Add("pages excluded", Cell.NotAvailable(why, CellKind.Integer));
            record.Add("pages not in dump", Cell.NotAvailable(why, CellKind.Integer));
        }
        record.Add("cpus", Cell.Int(dump.Cpus.Count));

        var info = dump.VmcoreInfo;
        const string NoNote = "the dump has no VMCOREINFO note";
        record.Add("OSRELEASE", info?.OsRelease is { } release ? Cell.Text(release) : Cell.NotAvailable(info is null ? NoNote : "no OSRELEASE entry"));
        record.Add("BUILD-ID", info?.BuildId is { } buildId ? Cell.Text(buildId) : Cell.NotAvailable(info is null ? NoNote : "no BUILD-ID entry"));
        record.Add("KERNELOFFSET", info is { HasKernelOffset: true } ? Cell.Hex(info.KernelOffset) : Cell.NotAvailable(info is null ? NoNote : "no KERNELOFFSET entry (KASLR off or old kernel)", CellKind.Hex));
        record.Add("CRASHTIME", CrashTime(info));

        if (dump.Cpus.Count > 0)
        {
            // The registers a reader looks for first, by the architecture's names (arm64: user_pt_regs).
            (string Name, CellKind Kind)[] shown = dump.Cpus.Any(c => c.Registers.ContainsKey("pstate"))
                ? [("pc", CellKind.Address), ("sp", CellKind.Address), ("x29", CellKind.Address), ("x30", CellKind.Address), ("pstate", CellKind.Hex)]
                : [("rip", CellKind.Address), ("rsp", CellKind.Address), ("cr3", CellKind.Hex)];
            var cpus = result.Add(new TableBlock([new Column("CPU", CellKind.Integer), new Column("PID", CellKind.Integer),
                .. shown.Select(r => new Column(r.Name.ToUpperInvariant(), r.Kind))]) { Title = "CPU NOTES" });
            foreach (var cpu in dump.Cpus)
                cpus.AddRow([Cell.Int(cpu.Cpu), Cell.Int(cpu.Pid), .. shown.Select(r => Register(cpu, r.Name, r.Kind))]);
        }

        AddKernelFeatures(result, context);

        var details = result.Add(new RecordBlock { Title = "FILE" });
        foreach (var (key, value) in facts)
            details.Add(key, Cell.Text(value));
        if (Verbose) AddReads(result, dump);
        return result;
    }

    // What was probed about the kernel and how: why commands behave as they do on this kernel.
    private static void AddKernelFeatures(CommandResult result, CommandContext context)
    {
        if (context.Services.GetService(typeof(IKernel)) is not IKernel kernel)
        {
            result.Add(new RecordBlock { Title = KernelFeatureReport.Title })
                .Add("kernel", Cell.NotAvailable("the kernel could not be read from this dump (see the notes)"));
            return;
        }
        var probes = context.Services.GetService(typeof(IEnumerable<IKernelFeatureProbe>)) as IEnumerable<IKernelFeatureProbe>;
        result.Add(KernelFeatureReport.Build(kernel, probes ?? []));
    }

    private static void AddReads(CommandResult result, IDumpSource dump)
    {
        var reads = result.Add(new RecordBlock { Title = "READS" });
        if (dump is not IDumpReadStatistics stats)
        {
            reads.Add("pages read", Cell.NotAvailable("this dump reader keeps no counters", CellKind.Integer));
            return;
        }
        var c = stats.Statistics.Snapshot();
        reads.Add("pages read", Cell.Int(c.PagesRead));
        reads.Add("stored bytes read", Cell.Size((ulong)c.StoredBytes));
        reads.Add("bytes decompressed", Cell.Size((ulong)c.DecompressedBytes));
        reads.Add("page cache hits", Cell.Int(c.CacheHits));
        reads.Add("page cache misses", Cell.Int(c.CacheMisses));
        reads.Add("page cache hit rate", c.HitRate is { } rate ? Cell.Percent(rate * 100) : Cell.NotAvailable("no page has been read yet", CellKind.Percent));
        reads.Add("pages read ahead", Cell.Int(c.PagesPrefetched));
        reads.Add("read-ahead batches on several cores", Cell.Int(c.ParallelBatches));
        if (dump is KdumpDumpSource kdump)
        {
            var (ram, dumped, counted) = kdump.BitmapRegions;
            reads.Add("bitmap regions read", Cell.Text($"1st {ram}, 2nd {dumped} (of 2^16 frames each); 2nd counted for rank: {counted}"));
        }
    }

    private static Cell Register(DumpCpuState cpu, string name, CellKind kind) =>
        cpu.Registers.TryGetValue(name, out var value)
            ? kind == CellKind.Address ? Cell.Address(value) : Cell.Hex(value)
            : Cell.NotAvailable($"no {name} in this dump's notes", kind);

    private static Cell CrashTime(VmcoreInfo? info)
    {
        if (info is null) return Cell.NotAvailable("the dump has no VMCOREINFO note");
        var text = info["CRASHTIME"];
        if (text is null) return Cell.NotAvailable("no CRASHTIME entry");
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            || seconds < 0 || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            return Cell.Corrupt($"CRASHTIME is not a time: \"{text}\"");
        var utc = DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        return Cell.Text($"{seconds} ({utc})");
    }

    /// <summary>From the reader's index when it has one; otherwise frame by frame, cancellable, when not huge.</summary>
    private static DumpPageCounts? CountPages(IDumpSource dump, CommandContext context)
    {
        if (dump is IDumpPageStatistics stats) return stats.CountPages();
        if (dump.MaxPfn > MaxFramesToScan) return null;
        ulong present = 0, excluded = 0;
        for (ulong pfn = 0; pfn < dump.MaxPfn; pfn++)
        {
            if ((pfn & 0xffff) == 0)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                context.Report((long)pfn, (long)dump.MaxPfn, "counting pages");
            }
            switch (dump.GetPageState(pfn))
            {
                case PageState.Present: present++; break;
                case PageState.Excluded: excluded++; break;
            }
        }
        return new DumpPageCounts(present, excluded, dump.MaxPfn - present - excluded);
    }
}
