using DumpScope.Plugins.Triage.Commands;
using DumpScope.Plugins.Triage.Log;
using DumpScope.Testing.Types;

namespace DumpScope.Plugins.Triage.Tests;

/// <summary>
/// Triage of a synthetic kernel (the Debian 6.1 types, memory left mostly empty): an unreadable log is a finding and
/// the other sources go on; a log with an Oops gives the crash finding, its faulting address and a signature from
/// the log's Call Trace when no stack can be unwound.
/// </summary>
public sealed class SyntheticTriageTests
{
    [Fact]
    public void A_kernel_whose_log_is_unreadable_gets_a_finding_and_the_other_sources_still_run()
    {
        var kernel = new SyntheticKernel(ReferenceTypes.Debian61);
        var report = TriageAnalyzer.Analyze(kernel);

        var log = report.Findings.Should().ContainSingle(f => f.Kind == "log_unreadable").Subject;
        log.Severity.Should().Be(Findings.Severity.Warning);
        log.Title.Should().Contain("prb");
        report.Timings.Select(t => t.Source).Should().Equal(TriageAnalyzer.SourceNames);
        report.Findings.Should().NotContain(f => f.Kind == "source_failed", "every source copes with missing data by itself");
        report.Summary.Should().Contain(f => f.JsonKey == "taint").And.Contain(f => f.JsonKey == "panic").And.Contain(f => f.JsonKey == "memory");
        report.Summary.Single(f => f.JsonKey == "panic").Value.HasValue.Should().BeFalse();

        var rendered = TriageCommand.Render(report, verbose: true, timings: true);
        rendered.Failed.Should().BeFalse();
        rendered.Blocks.OfType<TableBlock>().Single(b => b.Title == "findings").Rows.Should().NotBeEmpty();
    }

    [Fact]
    public void An_oops_in_the_log_is_the_crash_with_its_faulting_address_and_a_signature_from_the_logs_trace()
    {
        var kernel = new SyntheticKernel(ReferenceTypes.Debian61);
        var lines = LogScanner.ParseDmesg(SampleLogs.NullPointerOops + "\n" + """
            [  200.000000] watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [spin:77]
            [  300.000000] stress invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=2, oom_score_adj=0
            [  300.000100] Out of memory: Killed process 2101 (stress) total-vm:1048576kB, anon-rss:901120kB, file-rss:128kB, shmem-rss:4kB, UID:0 pgtables:1800kB oom_score_adj:0
            """);
        var report = TriageAnalyzer.Analyze(new TriageContext(kernel, CancellationToken.None, lines));

        var crash = report.Findings[0];
        crash.Kind.Should().Be("crash");
        crash.Title.Should().Be("Kernel panic - not syncing: Fatal exception after an Oops: BUG: kernel NULL pointer dereference, address: 0000000000000008 (0000 [#1] PREEMPT SMP NOPTI)");
        crash.Evidence.Should().Contain("RIP (log): mydrv_work+0x1c/0x80 [mydrv]").And.Contain("faulting address: 0000000000000008 (CR2: 0000000000000008)");
        report.Summary.Single(f => f.JsonKey == "stopped_by").Value.Value.Should().Be("oops");
        report.Signature!.FramesFrom.Should().Be("the log's Call Trace");
        report.Signature.Frames.Should().Equal("process_one_work", "worker_thread", "kthread", "ret_from_fork");
        report.Signature.Template.Should().Be("BUG: kernel NULL pointer dereference, address: # | Kernel panic - not syncing: Fatal exception");

        // The soft lockup after the panic is its own finding; the OOM kill names the victim and the allocation.
        report.Findings.Should().Contain(f => f.Kind == "soft_lockup" && f.Title.Contains("CPU 1 stuck 22s in spin:77"));
        var oom = report.Findings.Single(f => f.Kind == "oom_kill");
        oom.Title.Should().Be("OOM kill: PID 2101 (stress), RSS 901252 kB; stress asked for order 2, gfp_mask 0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)");
        report.Findings.Select(f => f.Severity).Should().BeInAscendingOrder("findings are ranked by severity");
    }

    [Fact]
    public void An_oom_panic_counts_every_kill_of_the_series_the_last_one_too()
    {
        // As a 4 GiB guest filling tmpfs ended (make-kdump.sh --objects with a byte per file): kills until nothing is
        // left, then the panic. The last kill is the crash finding's "after:", and still one of the series.
        var kernel = new SyntheticKernel(ReferenceTypes.Debian61);
        var lines = LogScanner.ParseDmesg("""
            [  134.806105] objspawn invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0
            [  134.835966] Out of memory: Killed process 118 (objspawn) total-vm:996kB, anon-rss:4kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:28kB oom_score_adj:0
            [  134.858154] init invoked oom-killer: gfp_mask=0x2dc2(GFP_KERNEL|__GFP_HIGHMEM|__GFP_NOWARN|__GFP_ZERO), order=0, oom_score_adj=0
            [  134.869265] Out of memory: Killed process 114 (sleep) total-vm:2260kB, anon-rss:4kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:28kB oom_score_adj:0
            [  134.979111] init invoked oom-killer: gfp_mask=0x2dc2(GFP_KERNEL|__GFP_HIGHMEM|__GFP_NOWARN|__GFP_ZERO), order=0, oom_score_adj=0
            [  134.980322] Out of memory: Killed process 108 (worker-alpha) total-vm:2260kB, anon-rss:4kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:28kB oom_score_adj:0
            [  134.988202] Out of memory and no killable processes...
            [  134.988340] Kernel panic - not syncing: System is deadlocked on memory
            """);
        var report = TriageAnalyzer.Analyze(new TriageContext(kernel, CancellationToken.None, lines));

        report.Findings[0].Title.Should().StartWith("Kernel panic - not syncing: System is deadlocked on memory after: Out of memory: Killed process 108 (worker-alpha)");
        var oom = report.Findings.Single(f => f.Kind == "oom_kill");
        oom.Title.Should().Be("OOM kill (3 kills): PID 108 (worker-alpha), RSS 4 kB; init asked for order 0, gfp_mask 0x2dc2(GFP_KERNEL|__GFP_HIGHMEM|__GFP_NOWARN|__GFP_ZERO)");
        oom.Evidence.Where(e => e.Contains("Killed process")).Should().HaveCount(3);
    }
}
