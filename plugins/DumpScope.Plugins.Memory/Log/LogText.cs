using DumpScope.Sdk.Linux.Printk;

namespace DumpScope.Plugins.Memory.Log;

/// <summary>Records as dmesg lines.</summary>
public static class LogText
{
    /// <summary>"[    0.000000] " as dmesg prints the time since boot.</summary>
    public static string Timestamp(ulong nanoseconds) =>
        string.Create(CultureInfo.InvariantCulture, $"[{nanoseconds / 1_000_000_000,5}.{nanoseconds % 1_000_000_000 / 1000:D6}] ");

    /// <summary>
    /// A record as dmesg lines: the prefix (timestamp, and the level when asked) on the first line, continuation
    /// lines of a multi-line message indented by the prefix's width. The caller is "[    T1] " as the kernel prints
    /// it with CONFIG_PRINTK_CALLER (six columns, right-aligned), "[     ?] " where the record does not carry it.
    /// </summary>
    public static IEnumerable<string> Lines(LogRecord record, bool timestamps = true, bool level = false, bool caller = false)
    {
        var prefix = (timestamps ? Timestamp(record.TimestampNs) : "")
            + (caller ? string.Create(CultureInfo.InvariantCulture, $"[{record.Caller ?? "?",6}] ") : "")
            + (level ? string.Create(CultureInfo.InvariantCulture, $"<{record.Level}>") : "");
        var indent = new string(' ', prefix.Length);
        var parts = record.Text.Split('\n');
        for (int i = 0; i < parts.Length; i++)
            yield return (i == 0 ? prefix : indent) + parts[i];
    }
}
