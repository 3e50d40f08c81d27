namespace DumpScope.Plugins.Triage.Log;

/// <summary>
/// One report the kernel wrote into its log: the headline that names it, its fields, and what followed it up to
/// the next report (the CPU/PID/Comm header, RIP, CR2, the Call Trace).
/// </summary>
public sealed record LogEvent(LogEventKind Kind, LogLine Line)
{
    /// <summary>Fields parsed from the headline ("message", "address", "cpu", "pid", "comm", "seconds", "gfp_mask", "order"…).</summary>
    public Dictionary<string, string> Fields { get; init; } = [];

    /// <summary>The "CPU: N PID: N Comm: C … Tainted: … RELEASE" header after the headline, when there was one.</summary>
    public LogLine? Header { get; set; }

    /// <summary>The header's CPU.</summary>
    public int? Cpu { get; set; }

    /// <summary>The header's PID.</summary>
    public int? Pid { get; set; }

    /// <summary>The header's Comm.</summary>
    public string? Comm { get; set; }

    /// <summary>The taint letters of the header ("" for "Not tainted"), when it had the field.</summary>
    public string? Tainted { get; set; }

    /// <summary>The kernel-mode "RIP: 0010:func+0x…/0x…" line after the headline.</summary>
    public string? Rip { get; set; }

    /// <summary>"CR2: …": the faulting address of a page fault.</summary>
    public string? Cr2 { get; set; }

    /// <summary>The Call Trace printed with the report, innermost first.</summary>
    public List<TraceFrame> Trace { get; } = [];

    /// <summary>A field or null.</summary>
    public string? this[string key] => Fields.TryGetValue(key, out var v) ? v : null;
}
