namespace DumpScope.Sdk.Linux.Printk;

/// <summary>
/// Reads the kernel log (kernel/printk/), choosing the format by symbol: <c>prb</c> (the lockless ring buffer of
/// commit 896fbe20b4e2 "printk: use the lockless ringbuffer", 5.10; its 5.10 descriptors also carry a dict ring,
/// removed by commit f35efc78add6, 5.11 — members are found by name, so both read) or <c>log_buf</c> with
/// <c>log_first_idx</c> (the record log of 3.5–5.9).
/// </summary>
public static class KernelLogReader
{
    /// <summary>Reads the log (the kernel's syslog buffer, as dmesg shows it). Throws <see cref="NotSupportedException"/> when the kernel has neither format.</summary>
    public static KernelLog Read(IKernel kernel)
    {
        var notes = new List<string>();
        if (kernel.HasSymbol("prb") || kernel.VmcoreInfo?.TryGetSymbol("prb", out _) == true)
            return PrintkRingBufferReader.Read(kernel, notes);
        if (kernel.HasSymbol("log_buf") && kernel.HasSymbol("log_first_idx"))
            return LegacyLogBufferReader.Read(kernel, notes);
        throw new NotSupportedException("the kernel has neither prb (5.10+) nor log_buf with log_first_idx (3.5-5.9); older log formats are not supported");
    }
}
