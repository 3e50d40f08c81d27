using DumpScope.Sdk.Kernel;

namespace DumpScope.Plugins.Memory.Log;

/// <summary>
/// Reads the kernel log, choosing the format by symbol: <c>prb</c> (lockless ring buffer, 5.10+) or
/// <c>log_buf</c> with <c>log_first_idx</c> (record log, 3.5–5.9).
/// </summary>
public static class KernelLogReader
{
    /// <summary>Reads the log. Throws <see cref="NotSupportedException"/> when the kernel has neither format.</summary>
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
