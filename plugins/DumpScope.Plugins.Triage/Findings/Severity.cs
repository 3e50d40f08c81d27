namespace DumpScope.Plugins.Triage.Findings;

/// <summary>How bad a finding is; findings are ranked by it (most severe first).</summary>
public enum Severity
{
    /// <summary>What stopped the kernel (panic, Oops, BUG).</summary>
    Critical,
    /// <summary>A failure that did not stop the kernel by itself (a lockup, an RCU stall, hung tasks, an OOM kill).</summary>
    Error,
    /// <summary>Something to look at (a warning, taint, memory below a watermark, an unreadable source).</summary>
    Warning,
    /// <summary>Context (the system, memory use, the biggest tasks).</summary>
    Info,
}
