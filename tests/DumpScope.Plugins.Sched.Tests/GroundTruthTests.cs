namespace DumpScope.Plugins.Sched.Tests;

/// <summary>The commands against what the guest itself recorded (groundtruth-guest.txt, dmesg) and the fixture's facts.</summary>
[Collection("dumps")]
public sealed class GroundTruthTests(DumpSessions dumps)
{
    [SkippableFact]
    public void Runq_current_tasks_are_the_ones_the_fixture_says_ran_at_the_panic()
    {
        var table = Sched.Table(dumps.Of("kd3").Run("runq"));
        var current = table.Rows.Where(r => (string)r.Cells[2].Value! == "current").ToDictionary(r => (long)r.Cells[0].Value!, r => (string)r.Cells[8].Value!);
        // README: CPU 0 and 1 idle, CPU 2 sh (175) in panic, CPU 3 fx-spin (129) in user mode.
        current.Should().Equal(new Dictionary<long, string> { [0] = "swapper/0", [1] = "swapper/1", [2] = "sh", [3] = "fx-spin" });
        table.Rows.Where(r => (string)r.Cells[2].Value! == "current").Should().OnlyContain(r => r.Targets.Select(t => t.Subject).OfType<TaskTarget>().Any());
    }

    [SkippableFact]
    public void Waitq_finds_khugepaged_on_its_wait_queue_where_crash_8_0_2_finds_nothing()
    {
        // The guest's threads list has khugepaged (46) sleeping (S, wchan khugepaged): khugepaged_wait_work
        // waits on khugepaged_wait. crash 8.0.2 prints nothing for `waitq khugepaged_wait` on this dump.
        var truth = File.ReadAllLines(Testing.Fixtures.Require("kd3/groundtruth-guest.txt"));
        truth.Should().Contain("46 46 2 khugepaged S khugepaged");
        var result = dumps.Of("kd3").Run("waitq khugepaged_wait");
        result.Failed.Should().BeFalse(result.Error);
        var rows = Sched.Table(result).Rows;
        rows.Should().ContainSingle();
        rows[0].Cells[1].Value.Should().Be(46L);
        rows[0].Cells[4].Value.Should().Be("khugepaged");
        rows[0].Targets.Select(t => t.Subject).OfType<TaskTarget>().Should().ContainSingle();
    }

    [SkippableFact]
    public void Sig_shows_the_dispositions_the_shell_set()
    {
        // fx-spin was started in the background by the shell: SIGINT and SIGQUIT ignored, everything else default.
        var table = Sched.Table(dumps.Of("kd3").Run("sig 129"));
        table.Rows.Should().HaveCount(64);
        var handlers = table.Rows.ToDictionary(r => (long)r.Cells[2].Value!, r => (string)r.Cells[4].Value!);
        handlers[2].Should().Be("SIG_IGN");
        handlers[3].Should().Be("SIG_IGN");
        handlers.Where(h => h.Key is not 2 and not 3).Should().OnlyContain(h => h.Value == "SIG_DFL");
    }

    [SkippableFact]
    public void Irq_s_counts_add_up_and_the_console_interrupt_ran()
    {
        var table = Sched.Table(dumps.Of("kd3").Run("irq -s"));
        var ttyS0 = table.Rows.Single(r => (string)r.Cells[^1].Value! == "ttyS0");
        // The serial console printed the whole sysrq-t dump: its IRQ fired thousands of times.
        ttyS0.Cells.Skip(1).Take(4).Sum(c => Convert.ToInt64(c.Value, CultureInfo.InvariantCulture)).Should().BeGreaterThan(1000);
        table.Columns.Select(c => c.Name).Should().StartWith(["IRQ", "CPU0", "CPU1", "CPU2", "CPU3"]);
    }

    [SkippableFact]
    public void Timer_lists_the_process_timeouts_of_tasks_sleeping_in_schedule_timeout()
    {
        var table = Sched.Table(dumps.Of("kd3").Run("timer"));
        var functions = table.Rows.Where(r => r.Cells[7].HasValue).Select(r => (string)r.Cells[7].Value!).ToArray();
        functions.Should().Contain("process_timeout").And.Contain("delayed_work_timer_fn");
        // Every timer's TTE is its expiry minus jiffies.
        table.Rows.Where(r => r.Cells[3].HasValue).Should().OnlyContain(r => r.Cells[4].HasValue);
    }
}
