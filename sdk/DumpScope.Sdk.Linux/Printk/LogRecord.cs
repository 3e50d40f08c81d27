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
public sealed record LogRecord(ulong Sequence, ulong TimestampNs, int Level, int Facility, string Text);
