namespace DumpScope.Plugins.Tasks.Tests;

/// <summary>
/// ps on k510 (Debian 11's 5.10, booted with two of three possible CPUs online: <c>-smp 2,maxcpus=3</c>): the
/// guest's own /proc listing and crash 8.0.6's ps, which sees every task on this dump, decide.
/// </summary>
public sealed class K510PsTests
{
    private static IReadOnlyList<PsRow> Ps() => PsRow.From(Kd1Fixture.Open(Fixtures.K510Zlib).Run("ps"));

    [SkippableFact]
    public void The_idle_task_of_a_cpu_that_never_came_online_is_not_a_running_task()
    {
        var rows = Ps();
        rows.Where(r => r.Pid == 0).Select(r => r.BareComm).Should().Equal(["swapper/0", "swapper/1"],
            "CPU 2 is possible but was never online (groundtruth: cpu_online 0-1)");
        rows.Where(r => r.Active).Select(r => r.Cpu).Should().OnlyContain(cpu => cpu == 0 || cpu == 1);
    }

    [SkippableFact]
    public void Ps_lists_what_crash_8_0_6_and_the_guest_list()
    {
        var rows = Ps();
        var crash = CrashPs(File.ReadAllLines(Fixtures.Require("k510/crash-8.0.6-vmcore.kdump-zlib-d31.out")));
        crash.Should().NotBeEmpty();
        rows.Select(r => (r.Pid!.Value, r.Task)).Should().BeEquivalentTo(crash.Select(c => (c.Pid, c.Task)));
        rows.Where(r => r.Active).Select(r => r.Pid!.Value).Should().BeEquivalentTo(crash.Where(c => c.Active).Select(c => c.Pid));

        var lines = File.ReadAllLines(Fixtures.Require("k510/groundtruth-guest.txt"));
        int start = Array.FindIndex(lines, l => l.StartsWith("--- tasks", StringComparison.Ordinal));
        var guest = lines.Skip(start + 1).TakeWhile(l => l.Length > 0 && char.IsDigit(l[0])).Select(l => long.Parse(l.Split(' ')[0], CultureInfo.InvariantCulture));
        rows.Where(r => r.Pid != 0).Select(r => r.Pid!.Value).Should().Contain(guest, "every task the guest listed moments before the panic");
    }

    private static List<(long Pid, ulong Task, bool Active)> CrashPs(string[] lines)
    {
        int start = Array.FindIndex(lines, l => l.StartsWith("crash> ps", StringComparison.Ordinal));
        var rows = new List<(long, ulong, bool)>();
        foreach (var line in lines.Skip(start + 2))
        {
            if (line.StartsWith("crash>", StringComparison.Ordinal)) break;
            var p = line.TrimStart('>', ' ').Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (p.Length < 9) continue;
            rows.Add((long.Parse(p[0], CultureInfo.InvariantCulture), ulong.Parse(p[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture), line.StartsWith('>')));
        }
        return rows;
    }
}
