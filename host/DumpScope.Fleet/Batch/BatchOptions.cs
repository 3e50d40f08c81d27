namespace DumpScope.Fleet.Batch;

/// <summary>How a batch runs.</summary>
public sealed record BatchOptions
{
    /// <summary>Dumps triaged at once (each a child process).</summary>
    public required int Parallelism { get; init; }
    /// <summary>Triage dumps already in the store again.</summary>
    public bool Force { get; init; }
    /// <summary>Recorded as the runs' runner (the machine).</summary>
    public string Runner { get; init; } = Environment.MachineName;

    /// <summary>A child's memory, assumed when bounding parallelism by memory: 1 GiB (kd1's triage peaks at 110 MB RSS; big dumps map more).</summary>
    public const long MemoryPerChild = 1L << 30;

    /// <summary>Dumps at once by default: the cores, and no more children than available memory holds at <see cref="MemoryPerChild"/> each.</summary>
    public static int DefaultParallelism()
    {
        long available = AvailableMemory();
        return Math.Max(1, (int)Math.Min(Environment.ProcessorCount, available / MemoryPerChild));
    }

    /// <summary>MemAvailable of /proc/meminfo (what can be had without swapping), else the GC's view of the machine or container.</summary>
    public static long AvailableMemory()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)
                    && long.TryParse(line["MemAvailable:".Length..].Trim().Split(' ')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kb))
                    return Math.Min(kb * 1024, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }
}
