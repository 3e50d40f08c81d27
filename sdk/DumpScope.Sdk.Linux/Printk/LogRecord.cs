namespace DumpScope.Sdk.Linux.Printk;

/// <summary>One kernel log record.</summary>
/// <param name="Sequence">The record's sequence number (printk_info.seq; the record index for log_buf).</param>
/// <param name="TimestampNs">Nanoseconds since boot (local clock) when the record was stored.</param>
/// <param name="Level">Log level 0-7 (KERN_EMERG..KERN_DEBUG).</param>
/// <param name="Facility">Syslog facility (0 for the kernel).</param>
/// <param name="Text">
/// The message. Bytes that are neither printable ASCII nor whitespace are written "\xNN", as the kernel's
/// /dev/kmsg, makedumpfile --dump-dmesg and crash's log do; embedded newlines are kept.
/// </param>
/// <param name="CallerId">
/// caller_id as the kernel stored it (printk_caller_id(): the pid of the task that called printk, or 0x80000000 plus
/// the CPU when it ran outside task context); null where the record header has no such field (log_buf records of
/// kernels without CONFIG_PRINTK_CALLER, or a layout read from VMCOREINFO, which does not export it).
/// </param>
public sealed record LogRecord(ulong Sequence, ulong TimestampNs, int Level, int Facility, string Text, uint? CallerId = null)
{
    private const uint CpuContext = 0x8000_0000;

    /// <summary>
    /// The caller as the kernel prints it with CONFIG_PRINTK_CALLER ("T123" for a task's pid, "C2" for CPU 2 outside
    /// task context); null when the record does not carry it.
    /// </summary>
    public string? Caller => CallerId is { } id
        ? string.Create(CultureInfo.InvariantCulture, $"{((id & CpuContext) != 0 ? 'C' : 'T')}{id & ~CpuContext}")
        : null;
}
