using DumpScope.Host.Types.Btf;
using DumpScope.Sdk.Linux.Time;

namespace DumpScope.Sdk.Linux.Tests.Time;

/// <summary>
/// The timekeeper and HZ on the layouts Debian's 6.12 and 7.3 dumps (k612, k73) have: tk_core as a struct tk_data
/// with tick_nsec beside it, and timekeeper_data[] (tk_data per timekeeper, TIMEKEEPER_CORE first) with no tick_nsec,
/// where HZ comes back from jiffies_64 against the timekeeper's monotonic time.
/// </summary>
public sealed class TimekeepingTests
{
    private const ulong TkAt = 0xffff_ffff_8300_0000, Jiffies = 0xffff_ffff_8300_1000, TickNsec = 0xffff_ffff_8300_1008;
    private const long Hz = 250;

    private static SyntheticKernel Kernel(bool timekeeperData, bool tickNsec, double uptimeSeconds)
    {
        var b = new BtfBuilder();
        var (u32, u64, _, _, voidp, _) = b.KernelBasics();
        b.Typedef("u64", u64);
        int s64 = b.Int("long long int", 8, signed: true);
        int tkr = b.Struct("tk_read_base", 56, ("clock", voidp, 0, 0), ("mask", u64, 64, 0), ("cycle_last", u64, 128, 0), ("mult", u32, 192, 0),
            ("shift", u32, 224, 0), ("xtime_nsec", u64, 256, 0), ("base", s64, 320, 0), ("base_real", s64, 384, 0));
        int tk = b.Struct("timekeeper", 96, ("tkr_mono", tkr, 0, 0), ("xtime_sec", u64, 448, 0), ("offs_boot", s64, 512, 0));
        b.Struct("tk_data", 8 + 96 * 2 + 8, ("seq", u32, 0, 0), ("timekeeper", tk, 64, 0), ("shadow_timekeeper", tk, 64 + 96 * 8, 0));
        var k = new SyntheticKernel(BtfTypeCatalog.FromBytes(b.Build(), "time types"));
        k.Symbols.Add(timekeeperData ? "timekeeper_data" : "tk_core", TkAt);
        k.Symbols.Add("jiffies_64", Jiffies);
        k.Memory.Write(TkAt, new byte[208]);
        // tkr_mono: shift 8, base = whole seconds in ns, xtime_nsec = 0.5 s << 8
        long whole = (long)Math.Floor(uptimeSeconds) * 1_000_000_000;
        k.Memory.WriteU32(TkAt + 8 + 28, 8);
        k.Memory.WriteU64(TkAt + 8 + 32, (ulong)((long)((uptimeSeconds - Math.Floor(uptimeSeconds)) * 1e9) << 8));
        k.Memory.WriteU64(TkAt + 8 + 40, (ulong)whole);
        // jiffies_64 = INITIAL_JIFFIES + uptime * HZ, with the tick a few jiffies ahead of the timekeeper's last update
        ulong initial = unchecked((uint)(-300 * (int)Hz));
        k.Memory.WriteU64(Jiffies, initial + (ulong)(uptimeSeconds * Hz) + 3);
        if (tickNsec)
        {
            k.Symbols.Add("tick_nsec", TickNsec);
            k.Memory.WriteU64(TickNsec, (ulong)((1_000_000_000 + Hz / 2) / Hz));
        }
        return k;
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Uptime_and_HZ_from_tk_core_or_timekeeper_data(bool timekeeperData, bool tickNsec)
    {
        var k = Kernel(timekeeperData, tickNsec, 54.5);
        Timekeeping.Timekeeper(k)!.Address.Should().Be(TkAt + 8, "struct tk_data places the timekeeper after its seqcount");
        Timekeeping.KtimeGetBoottime(k, out var source, out var problem)!.Value.TotalSeconds.Should().BeApproximately(54.5, 0.001, problem);
        source.Should().StartWith("tk_core.timekeeper");
        Timekeeping.Hz(k, out var hzSource, out var hzProblem).Should().Be(Hz, hzProblem);
        hzSource.Should().Be(tickNsec ? "tick_nsec" : "jiffies_64 against the timekeeper's uptime (no tick_nsec)");
    }

    [Fact]
    public void Without_tick_nsec_a_jiffies_count_no_HZ_fits_gives_no_HZ()
    {
        var k = Kernel(timekeeperData: true, tickNsec: false, uptimeSeconds: 54.5);
        k.Memory.WriteU64(Jiffies, 12345);
        Timekeeping.Hz(k, out _, out var problem).Should().BeNull();
        problem.Should().Contain("no HZ fits");
    }
}
