using DumpScope.Host.Session;
using DumpScope.Testing;

namespace DumpScope.Plugins.Memory.Tests;

/// <summary>
/// The same commands on q1, a QEMU dump-guest-memory ELF of another boot (128 MB, CPU 1 offline, nothing
/// excluded, no kdump kernel), against crash 8.0.2's output for it.
/// </summary>
public sealed class Q1Tests : IDisposable
{
    private readonly Lazy<DumpScopeSession> _session = new(() => FixtureSession.Open(Fixtures.Q1Elf, typeof(MemoryPlugin).Assembly));

    private DumpScopeSession Session => _session.Value;

    public void Dispose()
    {
        if (_session.IsValueCreated) _session.Value.Dispose();
    }

    [SkippableFact]
    public void Sys_matches_crash_including_the_offline_cpu()
    {
        var crash = CrashOutput.Sys(CrashOutput.Q1);
        var result = Session.Run("sys");
        result.Error.Should().BeNull();
        var fields = result.Blocks.OfType<RecordBlock>().Single().Fields.ToDictionary(f => f.Name, f => f.Value.Display ?? Convert.ToString(f.Value.Value, System.Globalization.CultureInfo.InvariantCulture));
        foreach (var name in new[] { "CPUS", "DATE", "UPTIME", "LOAD AVERAGE", "NODENAME", "RELEASE", "VERSION", "MACHINE", "MEMORY" })
            fields[name].Should().Be(crash[name], name);
        // q1's log also ends with "---[ end Kernel panic - not syncing: … ]---": the message is the line panic() started with.
        fields["PANIC"].Should().Be(crash["PANIC"].Trim('"'));
    }

    [SkippableFact]
    public void Kmem_info_matches_crash()
    {
        var crash = CrashOutput.KmemInfo(CrashOutput.Q1);
        var info = ((MemoryAnalyzer)Session.Services.GetService(typeof(MemoryAnalyzer))!).MemoryInfo();
        foreach (var name in new[] { "TOTAL MEM", "FREE", "USED", "SHARED", "BUFFERS", "CACHED", "TOTAL HUGE", "HUGE FREE", "TOTAL SWAP", "SWAP USED", "SWAP FREE", "COMMIT LIMIT" })
            info.Pages(name).Should().Be(crash[name].Pages, name);
        info.MemMap!.SlabPages.Should().Be(crash["SLAB"].Pages, "crash 8.0.2's SLAB is the count of PG_slab head pages");
    }

    [SkippableFact]
    public void Log_matches_crash()
    {
        var expected = CrashOutput.Log(CrashOutput.Q1);
        var result = Session.Run("log");
        result.Error.Should().BeNull();
        result.Blocks.OfType<TextBlock>().SelectMany(b => b.Lines).Should().Equal(expected);
    }
}
