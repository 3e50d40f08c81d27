namespace DumpScope.Plugins.Memory.Tests;

/// <summary>
/// sys's CPUS and [TAINTED] on the dumps where they differ from kd1: k510 booted with a hot-plug slot that never held a
/// CPU (<c>-smp 2,maxcpus=3</c>: possible 0-2, present and online 0-1) and a tainted kernel; q1 dumped by QEMU after the
/// panic had stopped its second CPU (smp_send_stop clears it from cpu_online_mask). crash 8.0.2's sys on the same dumps.
/// </summary>
public sealed class SysCpusTaintTests
{
    private static Dictionary<string, string> Sys(string dump)
    {
        using var session = FixtureSession.Open(dump, typeof(MemoryPlugin).Assembly);
        var result = session.Run("sys");
        result.Error.Should().BeNull();
        return result.Blocks.OfType<RecordBlock>().Single().Fields
            .ToDictionary(f => f.Name, f => f.Value.Display ?? Convert.ToString(f.Value.Value, CultureInfo.InvariantCulture) ?? "");
    }

    private static Dictionary<string, string> CrashSys(string output)
    {
        var lines = File.ReadAllLines(output);
        // The first sys block (q1's output starts with it, without the "crash> sys" prompt line).
        int start = Array.FindIndex(lines, l => l.TrimStart().StartsWith("KERNEL:", StringComparison.Ordinal));
        return lines.Skip(start).TakeWhile(l => !l.StartsWith("crash>", StringComparison.Ordinal) && l.Contains(':'))
            .Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim());
    }

    [SkippableFact]
    public void K510_counts_present_cpus_not_empty_hotplug_slots_and_is_marked_tainted()
    {
        var ours = Sys(Fixtures.K510Zlib);
        var crash = CrashSys(Fixtures.Require("k510/crash-vmcore.kdump-zlib-d31.out"));
        ours["CPUS"].Should().Be(crash["CPUS"]).And.Be("2");
        crash["KERNEL"].Should().EndWith("[TAINTED]");
        ours["KERNEL"].Should().EndWith("[TAINTED]");
    }

    [SkippableFact]
    public void Q1_shows_the_cpu_the_panic_stopped_as_offline()
    {
        var ours = Sys(Fixtures.Q1Elf);
        var crash = CrashSys(Fixtures.Require("q1/crash-vmcore.elf.out"));
        ours["CPUS"].Should().Be(crash["CPUS"]).And.Be("2 [OFFLINE: 1]");
        ours["KERNEL"].EndsWith("[TAINTED]", StringComparison.Ordinal).Should().Be(crash["KERNEL"].EndsWith("[TAINTED]", StringComparison.Ordinal));
    }
}
