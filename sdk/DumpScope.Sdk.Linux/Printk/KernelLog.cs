namespace DumpScope.Sdk.Linux.Printk;

/// <summary>The kernel log as read from the dump, with an account of what could not be read.</summary>
public sealed class KernelLog(string format, IReadOnlyList<LogRecord> records, int skipped, int incomplete, IReadOnlyList<string> problems)
{
    /// <summary>Which buffer the records came from ("printk ringbuffer prb", "log_buf").</summary>
    public string Format { get; } = format;

    /// <summary>The records in sequence order.</summary>
    public IReadOnlyList<LogRecord> Records { get; } = records;

    /// <summary>Records skipped because their descriptor, info or text was garbage or unreadable.</summary>
    public int Skipped { get; } = skipped;

    /// <summary>Records not finalized (reserved, reusable) or without text (data-less): left out as the kernel does.</summary>
    public int Incomplete { get; } = incomplete;

    /// <summary>What went wrong, for warnings (the first few problems and the totals).</summary>
    public IReadOnlyList<string> Problems { get; } = problems;

    /// <summary>
    /// The panic message: the last record that starts with "Kernel panic - not syncing: " (panic() prints it so);
    /// failing that, the last mention anywhere (e.g. only "---[ end Kernel panic - not syncing: … ]---" survived).
    /// </summary>
    public string? PanicMessage
    {
        get
        {
            const string marker = "Kernel panic - not syncing: ";
            for (int i = Records.Count - 1; i >= 0; i--)
                if (Records[i].Text.StartsWith(marker, StringComparison.Ordinal)) return Records[i].Text.Split('\n')[0].TrimEnd();
            for (int i = Records.Count - 1; i >= 0; i--)
            {
                int at = Records[i].Text.IndexOf(marker, StringComparison.Ordinal);
                if (at < 0) continue;
                var line = Records[i].Text[at..].Split('\n')[0].TrimEnd();
                return line.EndsWith(" ]---", StringComparison.Ordinal) ? line[..^5] : line;
            }
            return null;
        }
    }

    /// <summary>
    /// The oops line of a kernel that was dumped without panicking (oops_end calls crash_kexec when the oops kills init
    /// or an interrupt, or with panic_on_oops): the last record starting "Oops: " (x86's __die prints
    /// "Oops: ERROR [#N] ..."), else the last "BUG: " line; null when the log has neither.
    /// </summary>
    public string? OopsMessage
    {
        get
        {
            foreach (var marker in new[] { "Oops: ", "BUG: " })
                for (int i = Records.Count - 1; i >= 0; i--)
                    if (Records[i].Text.StartsWith(marker, StringComparison.Ordinal)) return Records[i].Text.Split('\n')[0].TrimEnd();
            return null;
        }
    }
}
