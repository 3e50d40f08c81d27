namespace DumpScope.Sdk.Dumps;

/// <summary>What the dump says about one physical page.</summary>
public enum PageState
{
    /// <summary>The page's data is in the dump.</summary>
    Present,
    /// <summary>The page was RAM but the capture tool excluded it (free, cache, user, zero pages…).</summary>
    Excluded,
    /// <summary>The dump does not describe this frame at all.</summary>
    NotInDump,
    /// <summary>The page's data lies beyond the end of the file.</summary>
    Truncated,
    /// <summary>The page's data is damaged (does not decompress to a page, bad descriptor).</summary>
    Corrupt,
}

/// <summary>The outcome of reading one page.</summary>
/// <param name="State">The page's state; the destination holds data only when <see cref="PageState.Present"/>.</param>
/// <param name="Detail">For failures: where and why (file offset, codec error), for the error message.</param>
public readonly record struct PageRead(PageState State, string? Detail = null)
{
    /// <summary>A successful read.</summary>
    public static readonly PageRead Ok = new(PageState.Present);
}

/// <summary>
/// One dump file's physical pages, by page frame number. Implementations are read-only, thread-safe and
/// cheap to open (headers and bitmaps only).
/// </summary>
public interface IDumpSource : IDisposable
{
    /// <summary>The file this source reads.</summary>
    string FilePath { get; }

    /// <summary>Short name of the format, e.g. "kdump-compressed (zlib)", "ELF vmcore", "QEMU ELF".</summary>
    string FormatName { get; }

    /// <summary>Page size of the dumped machine in bytes.</summary>
    int PageSize { get; }

    /// <summary>One past the highest page frame number the dump describes.</summary>
    ulong MaxPfn { get; }

    /// <summary>The VMCOREINFO note, if the dump carries one.</summary>
    VmcoreInfo? VmcoreInfo { get; }

    /// <summary>Per-CPU register notes (ELF PRSTATUS / kdump notes), in CPU order; may be empty.</summary>
    IReadOnlyList<DumpCpuState> Cpus { get; }

    /// <summary>State of a page without reading its data.</summary>
    PageState GetPageState(ulong pfn);

    /// <summary>Reads one page into <paramref name="destination"/> (exactly <see cref="PageSize"/> bytes).</summary>
    PageRead ReadPage(ulong pfn, Span<byte> destination);

    /// <summary>
    /// Set when the file is shorter than its headers describe (detected once at open, from the headers);
    /// null for a complete file. Sources that cannot tell return null.
    /// </summary>
    DumpTruncation? Truncation => null;

    /// <summary>Facts about the file for <c>dumpinfo</c>: name/value pairs in display order.</summary>
    IReadOnlyList<KeyValuePair<string, string>> Describe();
}

/// <summary>One CPU's saved state from the dump's notes.</summary>
/// <param name="Cpu">Index in note order (the kernel writes one note per CPU in CPU order).</param>
/// <param name="Pid">The pid of the task that was running (PRSTATUS pr_pid), 0 when unknown.</param>
/// <param name="Registers">Register values by lower-case name (rip, rsp, cr3…).</param>
public sealed record DumpCpuState(int Cpu, int Pid, IReadOnlyDictionary<string, ulong> Registers);
