namespace DumpScope.Host.Dumps;

/// <summary>How many page frames below <see cref="DumpScope.Sdk.Dumps.IDumpSource.MaxPfn"/> are in each state.</summary>
/// <param name="Present">Frames whose data is in the dump.</param>
/// <param name="Excluded">RAM frames the capture tool left out.</param>
/// <param name="NotInDump">Frames the dump does not describe (holes, MMIO, beyond RAM).</param>
public readonly record struct DumpPageCounts(ulong Present, ulong Excluded, ulong NotInDump);
