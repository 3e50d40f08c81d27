using DumpScope.Host.Session;
using DumpScope.Testing;
using DumpScope.Testing.Crash;
using DumpScope.Testing.Sessions;

namespace DumpScope.Plugins.Stacks.Tests;

/// <summary>
/// bt on the real arm64 kdump (tests/fixtures/arm64/README.md; Debian's 6.1.0-56-cloud-arm64 under QEMU with PAC on)
/// against the kernel's own Call Trace in its dmesg.txt. crash 8.0.2 cannot read arm64 dumps on this host (built for
/// x86-64), so the kernel's log and the guest's ground truth are the references. An optional shared fixture: skipped
/// when ../shared/fixtures/arm64 is absent, under CI too.
/// </summary>
public sealed class Arm64StackTests : IDisposable
{
    private static readonly string Folder = Repository.File("tests/fixtures/arm64");
    private readonly Dictionary<string, DumpScopeSession> _sessions = [];

    // dump is relative to the shared fixtures ("arm64/vmcore.kdump-zlib-d31", "arm64-q/vmcore.elf" stored as .zst).
    private DumpScopeSession Open(string dump)
    {
        if (_sessions.TryGetValue(dump, out var open)) return open;
        string root = Fixtures.Root ?? "";
        var map = Path.Combine(root, "kernel-6.1.0-56-cloud-arm64", "System.map-6.1.0-56-cloud-arm64");
        var stored = Path.Combine(root, dump);
        Skip.IfNot((File.Exists(stored) || File.Exists(stored + ".zst")) && File.Exists(map),
            $"{stored} is absent (tests/fixtures/arm64/README.md says how it was made)");
        var session = FixtureSession.Open(new SessionOptions
        {
            DumpPath = Fixtures.Require(dump),
            SystemMapPath = map,
            BtfPath = Path.Combine(root, "kernel-6.1.0-56-cloud-arm64", "vmlinux.btf"),
        }, typeof(StacksPlugin).Assembly);
        _sessions[dump] = session;
        return session;
    }

    private DumpScopeSession Session => Open("arm64/vmcore.kdump-zlib-d31");

    public void Dispose()
    {
        foreach (var session in _sessions.Values) session.Dispose();
    }

    // The kdump's capture kernel took the registers in __crash_kexec (crash_setup_regs); QEMU stopped the vCPU
    // in panic's final delay loop, as it was entering an interrupt: the exception vector itself.
    [SkippableTheory]
    [InlineData("arm64/vmcore.kdump-zlib-d31", "dmesg.txt", "__crash_kexec")]
    [InlineData("arm64-q/vmcore.elf", "q-console.log", "vectors")]
    public void Bt_of_the_panic_task_has_the_kernels_call_trace_from_panic_on_at_the_same_return_addresses(string dump, string log, string first)
    {
        var text = File.ReadAllText(Path.Combine(Folder, log));
        var printed = KernelTraces.PanicTrace(text).SkipWhile(f => f.Name != "panic").ToArray();
        printed.Should().HaveCount(14, $"panic … el0t_64_sync in {log}");
        var panic = KernelTraces.Panic(text)!;
        var session = Open(dump);
        var symbols = session.Kernel().Symbols;

        var result = session.Run("bt");
        result.Failed.Should().BeFalse(result.Error);
        var (pid, title, frames) = BtRow.Blocks(result).Single();
        pid.Should().Be(panic.Pid);
        title.Should().Contain($"CPU: {panic.Cpu}");
        frames[0].Function.Should().Be(first);
        var ours = frames.SkipWhile(f => f.Function != "panic").ToArray();
        // panic called dump_stack for the printed trace and something else for the dump: one frame, two call sites.
        // Above it the kernel prints each return address itself (%pSb): the noreturn call ending sysrq_handle_crash
        // shows as the next function's +0x0. Compared as addresses, so both namings agree.
        ours.Should().HaveCount(printed.Length);
        var expected = printed.Skip(1).Select(f => symbols.TryGetAddress(f.Name, out var at) ? at + f.Offset : 0).ToArray();
        expected.Should().NotContain(0UL);
        ours.Skip(1).Select(f => f.Ip).Should().Equal(expected);
        ours.Select(f => f.Function).Should().Contain("sysrq_handle_crash", "bt names a return address at IP - 1");
        ours.Should().OnlyContain(f => f.Reliable);
        result.Blocks.OfType<TableBlock>().Single().Rows[^1].Text.Should().Contain("PSTATE:").And.Contain("SYSCALLNO: 40",
            "the task entered with write(2), syscall 64 = 0x40, and its user registers close the trace");
    }

    [SkippableFact]
    public void Bt_a_unwinds_every_cpu_to_the_end_of_its_stack()
    {
        var result = Session.Run("bt -a");
        result.Failed.Should().BeFalse(result.Error);
        var blocks = BtRow.Blocks(result);
        blocks.Should().HaveCount(2, "two CPUs");
        var idle = blocks.Single(b => b.Pid == 0).Frames;
        idle.Select(f => f.Function).Should().Contain(["default_idle_call", "do_idle", "cpu_startup_entry", "secondary_start_kernel"]);
        idle[^1].Function.Should().Be("__secondary_switched", "the idle task's final frame record is made in __secondary_switched");
        DumpScope.Host.Rendering.TextRenderer.Render(result).Should().NotContain("not kernel text").And.NotContain("none of the task's stacks");
    }

    [SkippableFact]
    public void Bt_of_a_sleeping_task_starts_at_its_cpu_context_and_reaches_its_user_registers()
    {
        int pid = File.ReadLines(Path.Combine(Folder, "groundtruth-guest.txt")).Select(l => l.Split(' '))
            .Where(p => p.Length == 3 && p[1] == "worker-alpha").Select(p => int.Parse(p[0], CultureInfo.InvariantCulture)).Single();
        var result = Session.Run($"bt {pid}");
        result.Failed.Should().BeFalse(result.Error);
        var frames = BtRow.Blocks(result).Single().Frames;
        frames.Select(f => f.Function).Should().StartWith(["__switch_to", "__schedule", "schedule", "do_wait", "kernel_wait4"]);
        frames[^1].Function.Should().Be("el0t_64_sync");
        result.Blocks.OfType<TableBlock>().Single().Rows[^1].Text.Should().Contain("SYSCALLNO: 104", "the shell waits in wait4 (260 = 0x104)");

        var kthread = BtRow.Blocks(Session.Run("bt 2")).Single().Frames;
        kthread.Select(f => f.Function).Should().Equal("__switch_to", "__schedule", "schedule", "kthreadd", "ret_from_fork");
    }
}
