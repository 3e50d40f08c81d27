namespace DumpScope.Sdk.Linux.Sched;

/// <summary>The load average (kernel/sched/loadavg.c): <c>avenrun[3]</c>, fixed point with FSHIFT 11 bits.</summary>
public static class LoadAverage
{
    /// <summary>Where the numbers come from.</summary>
    public const string Source = "avenrun[3] (fixed point, FSHIFT 11), rounded as /proc/loadavg";

    private const int FShift = 11;
    private const ulong Fixed1 = 1UL << FShift;

    /// <summary>
    /// get_avenrun(loads, FIXED_1/200, 0): the 1, 5 and 15 minute loads as /proc/loadavg prints them ("0.31"),
    /// or null with the reason (no avenrun, unreadable).
    /// </summary>
    public static IReadOnlyList<string>? GetAvenrun(IKernel kernel, out string? problem)
    {
        if (!kernel.Symbols.TryGetAddress("avenrun", out var avenrun))
        {
            problem = "avenrun is not in this kernel";
            return null;
        }
        var loads = new List<string>(3);
        for (int i = 0; i < 3; i++)
        {
            if (!kernel.Memory.TryReadU64(avenrun + (ulong)i * 8, out var value, out var fault))
            {
                problem = fault!.Message;
                return null;
            }
            value += Fixed1 / 200;
            loads.Add(string.Create(CultureInfo.InvariantCulture, $"{value >> FShift}.{((value & (Fixed1 - 1)) * 100) >> FShift:D2}"));
        }
        problem = null;
        return loads;
    }
}
