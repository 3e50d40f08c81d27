namespace DumpScope.Plugins.Triage.Tests;

/// <summary>
/// triage on the real dumps against what the kernel itself printed when it panicked (each fixture's dmesg.txt, q1's
/// serial console): the panic message, CPU, PID, Comm and taint of the panic header, the reliable frames of its
/// Call Trace; kd3's D-state task against its sysrq-t trace; the signature across kd1's three formats.
/// </summary>
[Collection("triage dumps")]
public sealed class FixtureTriageTests(TriageSessions dumps)
{
    public static TheoryData<string, string> Dumps => new()
    {
        { "kd1/vmcore.kdump-zlib-d31", "kd1/dmesg.txt" },
        { "kd3/vmcore.kdump-zlib-d31", "kd3/dmesg.txt" },
        { "q1/vmcore.elf", "q1/console.log" },
        { "k510/vmcore.kdump-zlib-d31", "k510/dmesg.txt" },
    };

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void Triage_names_the_panic_message_cpu_pid_and_comm_the_kernel_printed(string dump, string log)
    {
        var expected = KernelTraces.Panic(File.ReadAllText(Fixtures.Require(log)));
        expected.Should().NotBeNull($"{log} holds the panic");
        var triage = Run(dump);

        ((string)triage["panic"]!).Should().Be($"Kernel panic - not syncing: {expected!.Message}");
        triage["panic_cpu"].Should().Be((long)expected.Cpu);
        triage["panic_pid"].Should().Be((long)expected.Pid);
        triage["panic_comm"].Should().Be(expected.Comm);
        triage["stopped_by"].Should().Be("sysrq_crash", "every fixture panicked through echo c > /proc/sysrq-trigger");
        var crash = triage.Findings[0];
        crash.Severity.Should().Be("critical");
        crash.Kind.Should().Be("crash");
        crash.Title.Should().Contain(expected.Message);
        crash.Evidence.Should().Contain($"PID {expected.Pid} ({expected.Comm})");
        // Only triage is loaded here: the host keeps the typed task target (struct task_struct, a built-in) and drops
        // "bt PID", whose plugin is not loaded; the finding itself leads there.
        crash.Row.Targets.Select(t => t.Command).Should().Contain(c => c.StartsWith("struct task_struct 0x", StringComparison.Ordinal));
        var report = dumps.Session(dump).Services.GetRequiredService<TriageAnalyzer>().Analyze();
        report.Findings[0].Targets.Select(t => t.Command).Should().Contain($"bt {expected.Pid}").And.Contain("log");
    }

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void The_panic_stack_and_the_signature_hold_the_reliable_frames_of_the_kernels_own_call_trace(string dump, string log)
    {
        var printed = KernelTraces.PanicTrace(File.ReadAllText(Fixtures.Require(log)));
        // dump_stack printed the trace from inside panic(); the frames from panic outwards are still on the stack.
        var expected = printed.Where(f => f.Reliable).Select(f => f.Name).SkipWhile(n => n != "panic").ToArray();
        expected.Should().HaveCountGreaterThan(5);
        var triage = Run(dump, "triage -v");

        var reliable = triage.PanicStack.Where(f => f.Reliable).Select(f => f.Function).SkipWhile(n => n != "panic").ToArray();
        reliable.Should().Equal(expected, "the unwound panic stack's reliable frames are the Call Trace's, panic included (no '? panic')");
        var signature = Signature(triage);
        signature.Frames.Should().Equal(expected.Skip(1).Take(CrashSignature.MaxFrames));
        signature.FramesFrom.Should().Be("unwound panic stack");
        triage["signature"].Should().Be(signature.Value);
    }

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void The_taint_agrees_with_the_panic_header_of_the_log(string dump, string log)
    {
        var expected = KernelTraces.Panic(File.ReadAllText(Fixtures.Require(log)))!;
        var triage = Run(dump);

        triage["taint"].Should().Be(expected.TaintLetters.Length == 0 ? "not tainted" : expected.TaintLetters);
        triage["taint_agrees_with_log"].Should().Be(true);
        if (expected.TaintLetters.Length > 0)
        {
            var taint = triage.Finding("taint");
            taint.Evidence.Should().Contain("set by: ").And.Contain("qemu_fw_cfg", "k510's log says qemu_fw_cfg's verification failed and tainted the kernel");
        }
    }

    [SkippableFact]
    public void Kd3s_d_state_task_is_a_finding_with_its_sysrq_t_stack()
    {
        var sysrq = KernelTraces.SysrqT(File.ReadAllText(Fixtures.Require("kd3/dmesg.txt"))).Single(t => t.Pid == 127);
        sysrq.State.Should().Be('D');
        var triage = Run("kd3/vmcore.kdump-zlib-d31");

        var hung = triage.Finding("hung_tasks");
        hung.Severity.Should().Be("error");
        hung.Title.Should().StartWith("1 task in D state blocked in __wait_for_common");
        hung.Evidence.Should().Contain("PID 127 (fx-vforker)").And.Contain("se.exec_start");
        // The kernel's own frames in order (its __do_sys_vfork is the same code as the __x64/__ia32 alias we name).
        int at = 0;
        foreach (var frame in sysrq.ReliableFrames.Select(f => f.Name).Where(n => n != "__do_sys_vfork"))
        {
            int found = hung.Evidence.IndexOf(frame, at, StringComparison.Ordinal);
            found.Should().BeGreaterThanOrEqualTo(0, $"{frame} is in the stack evidence after the frames before it: {hung.Evidence}");
            at = found + frame.Length;
        }
        triage["d_state_tasks"].Should().Be(1L);
    }

    [SkippableFact]
    public void The_signature_is_the_same_for_kd1s_zlib_lzo_and_elf_copies()
    {
        var signatures = new[] { "kd1/vmcore.kdump-zlib-d31", "kd1/vmcore.kdump-lzo-d31", "kd1/vmcore.elf-d31" }
            .Select(d => (string)Run(d)["signature"]!).ToArray();
        signatures.Should().OnlyContain(s => s == signatures[0]);
        signatures[0].Should().MatchRegex("^v1:[0-9a-f]{16}$");
    }

    [SkippableFact]
    public void Timings_name_every_source()
    {
        var result = dumps.Session("kd3/vmcore.kdump-zlib-d31").Run("triage --timings");
        var timings = result.Blocks.OfType<TableBlock>().Single(t => t.Title == "timings");
        timings.Rows.Select(r => (string)r.Cells[0].Value!).Should().Equal([.. TriageAnalyzer.SourceNames, "total"]);
    }

    private TriageView Run(string dump, string command = "triage")
    {
        var result = dumps.Session(dump).Run(command);
        result.Failed.Should().BeFalse(result.Error);
        return new TriageView(result);
    }

    private CrashSignature Signature(TriageView triage)
    {
        var crash = triage.Finding("crash");
        crash.Row.Should().NotBeNull();
        var frames = triage.PanicStack.Where(f => f.Reliable).Select(f => f.Function);
        var message = $"sysrq: Trigger a crash | {triage["panic"]}";
        return CrashSignature.From(message, frames, "unwound panic stack");
    }
}
