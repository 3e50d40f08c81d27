namespace DumpScope.Sdk.Linux.Block;

/// <summary>The I/O requests of a disk in flight, by direction.</summary>
/// <param name="Read">Reads in flight.</param>
/// <param name="Write">Writes in flight.</param>
/// <param name="MultiQueue">True when counted from blk-mq's tags (requests the driver holds), false from the per-cpu part statistics.</param>
public sealed record InFlight(long Read, long Write, bool MultiQueue)
{
    /// <summary>Reads and writes.</summary>
    public long Total => Read + Write;
}
