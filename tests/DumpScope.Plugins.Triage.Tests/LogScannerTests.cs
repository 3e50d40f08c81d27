using DumpScope.Plugins.Triage.Log;

namespace DumpScope.Plugins.Triage.Tests;

/// <summary>The log parsers on report variants written from the kernel's printk formats (no fixture needed).</summary>
public sealed class LogScannerTests
{
    private static IReadOnlyList<LogEvent> Scan(string log) => LogScanner.Scan(LogScanner.ParseDmesg(log));

    [Fact]
    public void A_null_pointer_oops_is_one_report_with_its_header_rip_cr2_and_call_trace_then_the_panic()
    {
        var events = Scan(SampleLogs.NullPointerOops);

        events.Select(e => e.Kind).Should().Equal(LogEventKind.Oops, LogEventKind.Panic);
        var oops = events[0];
        oops["address"].Should().Be("0000000000000008");
        oops["oops"].Should().Be("0000 [#1] PREEMPT SMP NOPTI");
        (oops.Cpu, oops.Pid, oops.Comm).Should().Be((3, 4242, "kworker/3:1"));
        oops.Tainted.Should().Be("OE");
        oops.Rip.Should().Be("mydrv_work+0x1c/0x80 [mydrv]");
        oops.Cr2.Should().Be("0000000000000008");
        oops.Trace.Select(f => (f.Function, f.Reliable)).Should().Equal(
            ("process_one_work", true), ("rescuer_thread", false), ("worker_thread", true), ("kthread", true), ("ret_from_fork", true));
        events[1]["message"].Should().Be("Fatal exception");
    }

    [Theory]
    [InlineData("BUG: unable to handle page fault for address: ffffc90000abc000", "ffffc90000abc000")]
    [InlineData("BUG: unable to handle kernel NULL pointer dereference at 0000000000000010", "0000000000000010")]
    [InlineData("BUG: unable to handle kernel paging request at ffff888100000000", "ffff888100000000")]
    public void Page_fault_headlines_of_every_era_give_the_address(string line, string address)
    {
        var e = Scan($"[    5.000000] {line}").Single();
        e.Kind.Should().Be(LogEventKind.Oops);
        e["address"].Should().Be(address);
    }

    [Theory]
    [InlineData("general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] PREEMPT SMP NOPTI")]
    [InlineData("general protection fault: 0000 [#1] SMP PTI")]
    [InlineData("Oops: general protection fault, probably for non-canonical address 0xdead000000000122: 0000 [#1] PREEMPT SMP NOPTI")]
    public void General_protection_faults_are_oopses(string line) =>
        Scan($"[    5.000000] {line}").Single().Kind.Should().Be(LogEventKind.Oops);

    [Fact]
    public void Bug_at_file_line_takes_its_die_line_and_other_bugs_are_bugs_too()
    {
        var events = Scan("""
            [   20.100000] kernel BUG at mm/slub.c:435!
            [   20.100001] invalid opcode: 0000 [#1] PREEMPT SMP NOPTI
            [   20.100002] CPU: 0 PID: 1 Comm: init Not tainted 6.1.0-56-cloud-amd64 #1  Debian 6.1.192-2
            [   20.100003] RIP: 0010:__slab_free+0x2a1/0x2d0
            [   30.000000] BUG: scheduling while atomic: swapper/1/0/0x00000002
            """);
        events.Select(e => e.Kind).Should().Equal(LogEventKind.Bug, LogEventKind.Bug);
        events[0]["file"].Should().Be("mm/slub.c");
        events[0]["line"].Should().Be("435");
        events[0]["oops"].Should().Be("invalid opcode: 0000 [#1] PREEMPT SMP NOPTI");
        events[0].Tainted.Should().Be("");
        events[0].Rip.Should().Be("__slab_free+0x2a1/0x2d0");
        events[1]["message"].Should().StartWith("BUG: scheduling while atomic");
    }

    [Fact]
    public void A_warning_gives_cpu_pid_and_location()
    {
        var e = Scan("""
            [   42.000000] ------------[ cut here ]------------
            [   42.000001] WARNING: CPU: 1 PID: 377 at fs/ext4/inode.c:3621 ext4_set_page_dirty+0x3e/0x50 [ext4]
            [   42.000002] Modules linked in: ext4 mbcache jbd2
            [   42.000003] CPU: 1 PID: 377 Comm: kworker/u4:2 Tainted: G        W         6.1.0-56-cloud-amd64 #1
            """).Single();
        e.Kind.Should().Be(LogEventKind.Warning);
        (e["cpu"], e["pid"], e["location"]).Should().Be(("1", "377", "fs/ext4/inode.c:3621 ext4_set_page_dirty+0x3e/0x50 [ext4]"));
        e.Tainted.Should().Be("W");
        e.Comm.Should().Be("kworker/u4:2");
    }

    [Fact]
    public void The_oom_killer_gives_the_allocation_and_the_victim()
    {
        var events = Scan("""
            [  300.000000] stress invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0
            [  300.000100] Out of memory: Killed process 2101 (stress) total-vm:1048576kB, anon-rss:901120kB, file-rss:128kB, shmem-rss:0kB, UID:0 pgtables:1800kB oom_score_adj:0
            [  400.000100] Memory cgroup out of memory: Killed process 2200 (java) total-vm:4000kB, anon-rss:3000kB, file-rss:12kB, shmem-rss:4kB, UID:1000 pgtables:64kB oom_score_adj:0
            [  500.000100] Out of memory: Killed process 17 (old) total-vm:100kB, anon-rss:50kB, file-rss:10kB
            """);
        events.Select(e => e.Kind).Should().Equal(LogEventKind.OomInvoked, LogEventKind.OomKill, LogEventKind.OomKill, LogEventKind.OomKill);
        (events[0]["comm"], events[0]["gfp_mask"], events[0]["gfp_flags"], events[0]["order"]).Should().Be(("stress", "0x140cca", "GFP_HIGHUSER_MOVABLE|__GFP_COMP", "0"));
        (events[1]["pid"], events[1]["comm"], events[1]["anon_rss_kb"], events[1]["file_rss_kb"], events[1]["shmem_rss_kb"]).Should().Be(("2101", "stress", "901120", "128", "0"));
        events[2]["scope"].Should().Be("Memory cgroup out of memory");
        events[3]["shmem_rss_kb"].Should().BeNull("kernels before 4.x print no shmem-rss");
    }

    [Fact]
    public void Lockups_rcu_stalls_and_hung_tasks_are_recognised()
    {
        var events = Scan("""
            [  60.000000] watchdog: BUG: soft lockup - CPU#2 stuck for 22s! [spin:1234]
            [  61.000000] NMI watchdog: Watchdog detected hard LOCKUP on cpu 3
            [  62.000000] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:
            [  63.000000] rcu: INFO: rcu_sched self-detected stall on CPU
            [  64.000000] INFO: rcu_sched detected stalls on CPUs/tasks: { 1} (detected by 0, t=5252 jiffies)
            [ 1000.000000] INFO: task jbd2/sda1-8:215 blocked for more than 120 seconds.
            """);
        events.Select(e => e.Kind).Should().Equal(LogEventKind.SoftLockup, LogEventKind.HardLockup, LogEventKind.RcuStall, LogEventKind.RcuStall,
            LogEventKind.RcuStall, LogEventKind.HungTask);
        (events[0]["cpu"], events[0]["seconds"], events[0]["comm"], events[0]["pid"]).Should().Be(("2", "22", "spin", "1234"));
        events[1]["cpu"].Should().Be("3");
        events[2]["flavor"].Should().Be("rcu_preempt");
        (events[5]["comm"], events[5]["pid"], events[5]["seconds"]).Should().Be(("jbd2/sda1-8", "215", "120"));
    }

    [Fact]
    public void A_sysrq_crash_and_its_panic_are_two_reports()
    {
        var events = Scan("""
            [   14.168421] sysrq: Trigger a crash
            [   14.180289] Kernel panic - not syncing: sysrq triggered crash
            [   14.180464] CPU: 2 PID: 175 Comm: sh Kdump: loaded Not tainted 6.1.0-56-cloud-amd64 #1  Debian 6.1.192-2
            [   10.000000] SysRq : Trigger a crash
            """);
        events.Select(e => e.Kind).Should().Equal(LogEventKind.SysrqCrash, LogEventKind.Panic, LogEventKind.SysrqCrash);
        (events[1].Cpu, events[1].Pid, events[1].Comm, events[1].Tainted).Should().Be((2, 175, "sh", ""));
    }

    [Fact]
    public void Lines_far_after_a_headline_are_not_its_report()
    {
        var lines = new List<string> { "[1.0] kernel BUG at a.c:1!" };
        lines.AddRange(Enumerable.Range(0, LogScanner.ReportLines + 1).Select(i => $"[1.0] filler {i}"));
        lines.Add("[1.0] CPU: 1 PID: 2 Comm: x Not tainted 6.1.0 #1");
        Scan(string.Join('\n', lines)).Single().Header.Should().BeNull();
    }
}
