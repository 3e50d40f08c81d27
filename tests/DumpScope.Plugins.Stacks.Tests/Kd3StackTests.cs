using DumpScope.Testing;
using DumpScope.Testing.Crash;
using Xunit.Abstractions;

namespace DumpScope.Plugins.Stacks.Tests;

/// <summary>
/// bt, bt -a and foreach bt on kd3 against the kernel's own traces: the sysrq-t dump of every task it printed
/// moments before the panic (dmesg.txt), and the panic's Call Trace.
/// </summary>
[Collection("dumps")]
public sealed class Kd3StackTests(DumpSessions dumps, ITestOutputHelper output)
{
    // Tasks whose sysrq-t stack is not the one they sat in at the panic, three seconds later: init ran sysrq-t
    // itself (at the panic it waited in do_wait); khugepaged's timed sleep (schedule_timeout from
    // khugepaged+0x663) ended in between and at the panic it sat in its untimed wait (schedule from
    // khugepaged+0x5bf), which is also what crash 8.0.6 shows. The tasks sysrq-t found running on another
    // CPU have no stack in its output.
    private static readonly HashSet<int> MovedSinceSysrq = [1, 46];

    [SkippableFact]
    public void Foreach_bt_matches_the_sysrq_t_trace_of_every_sleeping_task_frame_for_frame()
    {
        var session = dumps.Kd3;
        var kernel = DumpSessions.Kernel(session);
        var sysrq = KernelTraces.SysrqT(File.ReadAllText(Fixtures.Require("kd3/dmesg.txt")));
        sysrq.Should().HaveCountGreaterThan(80, "sysrq-t printed 83 tasks");
        var result = session.Run("foreach bt");
        result.Failed.Should().BeFalse(result.Error);
        var ours = BtRow.Blocks(result).Where(b => b.Pid != 0).ToDictionary(b => b.Pid);

        int matched = 0;
        var mismatches = new List<string>();
        foreach (var task in sysrq.Where(t => t.ReliableFrames.Any()))
        {
            ours.TryGetValue(task.Pid, out var mine);
            var expected = task.ReliableFrames.ToArray();
            var got = mine.Frames?.Where(f => f.Reliable).ToArray() ?? [];
            bool same = got.Length == expected.Length && expected.Zip(got).All(p => Same(kernel, p.First, p.Second));
            if (same) matched++;
            else mismatches.Add($"pid {task.Pid} {task.Comm}: kernel [{string.Join(' ', expected.Select(f => f.Name))}] ours [{string.Join(' ', got.Select(f => f.Function))}]");
        }
        output.WriteLine($"{matched} of {sysrq.Count} sysrq-t traces match frame for frame");
        foreach (var m in mismatches) output.WriteLine(m);
        mismatches.Should().OnlyContain(m => MovedSinceSysrq.Any(pid => m.StartsWith($"pid {pid} ", StringComparison.Ordinal)),
            "every task that slept through both moments has the kernel's own reliable frames, in order");
    }

    [SkippableFact]
    public void The_workload_tasks_have_the_stacks_the_fixture_describes()
    {
        var result = dumps.Kd3.Run("bt 123 130 125 126 127 128");
        var blocks = BtRow.Blocks(result).ToDictionary(b => b.Pid, b => b.Frames.Where(f => f.Reliable).Select(f => f.Function).ToArray());
        blocks[123].Should().ContainInOrder("__schedule", "schedule", "do_syscall_64", "entry_SYSCALL_64_after_hwframe");
        blocks[130].Should().ContainInOrder("schedule", "do_nanosleep", "hrtimer_nanosleep", "__x64_sys_nanosleep");
        blocks[125].Should().ContainInOrder("schedule", "pipe_read", "vfs_read", "ksys_read");
        blocks[126].Should().ContainInOrder("do_signal_stop", "get_signal", "arch_do_signal_or_restart", "exit_to_user_mode_prepare");
        blocks[127].Should().ContainInOrder("schedule_timeout", "__wait_for_common", "wait_for_completion_state", "kernel_clone");
        result.Warnings.Should().BeEmpty();
    }

    [SkippableFact]
    public void Foreach_UN_bt_finds_the_task_in_D_state()
    {
        var result = dumps.Kd3.Run("foreach UN bt");
        var blocks = BtRow.Blocks(result);
        blocks.Select(b => b.Pid).Should().Equal(127);
        blocks[0].Title.Should().Contain("fx-vforker");
    }

    [SkippableFact]
    public void Bt_a_gives_the_task_of_every_cpu_with_the_nmi_handler_frames_and_the_user_registers()
    {
        var result = dumps.Kd3.Run("bt -a");
        var blocks = BtRow.Blocks(result);
        blocks.Select(b => b.Pid).Should().Equal(0, 0, 175, 129);
        blocks.Select(b => b.Title).Should().OnlyContain(t => t.Contains("CPU: "));
        foreach (int cpu in new[] { 0, 1 })
        {
            blocks[cpu].Frames.Select(f => f.Function).Should().ContainInOrder("crash_nmi_callback", "default_do_nmi", "exc_nmi", "end_repeat_nmi",
                "native_safe_halt", "default_idle_call", "do_idle", "cpu_startup_entry");
            blocks[cpu].Frames[^1].Function.Should().Be("secondary_startup_64_no_verify");
        }
        blocks[3].Frames.Select(f => f.Function).Should().Equal("crash_nmi_callback", "default_do_nmi", "exc_nmi", "asm_exc_nmi");
        var text = DumpScope.Host.Rendering.TextRenderer.Render(result);
        text.Should().Contain("RIP: 0000000000401770  RSP: 00007fffdf7be9f0").And.Contain("CS: 0033  SS: 002b");
        text.Should().Contain("[exception RIP: native_safe_halt+0xb]").And.Contain("--- <NMI exception stack> ---");
    }

    [SkippableFact]
    public void Bt_of_the_panic_task_holds_every_reliable_frame_of_the_panic_call_trace_in_order()
    {
        foreach (var (dump, log) in new[] { ("kd3/vmcore.kdump-zlib-d31", "kd3/dmesg.txt"), ("kd1/vmcore.kdump-zlib-d31", "kd1/dmesg.txt"), ("q1/vmcore.elf", "q1/console.log"),
            ("k510/vmcore.kdump-zlib-d31", "k510/dmesg.txt") })
        {
            var session = dumps.Session(dump);
            var kernel = DumpSessions.Kernel(session);
            var panic = KernelTraces.PanicTrace(File.ReadAllText(Fixtures.Require(log)));
            // The trace was printed from dump_stack inside panic(); the frames above panic were gone when the dump was taken.
            var expected = panic.Where(f => f.Reliable).SkipWhile(f => f.Name != "panic").ToArray();
            expected.Should().NotBeEmpty($"{log} holds the panic's Call Trace");
            var frames = BtRow.Blocks(session.Run("bt")).Single().Frames.ToList();
            int at = 0;
            foreach (var frame in expected)
            {
                // panic() itself called dump_stack then, __crash_kexec now: the same function at another call site.
                int found = frame == expected[0] ? frames.FindIndex(f => f.Function == "panic") : frames.FindIndex(at, f => Same(kernel, frame, f));
                found.Should().BeGreaterThanOrEqualTo(0, $"{dump}: {frame.Name}+0x{frame.Offset:x} is in bt, after the frames before it: [{string.Join(' ', frames.Select(f => f.Function))}]");
                at = found + 1;
            }
        }
    }

    private static bool Same(IKernel kernel, KernelFrame expected, BtRow ours) =>
        ours.Offset == expected.Offset && (ours.Function == expected.Name
            || kernel.Symbols.TryGetAddress(expected.Name, out var address) && address == ours.FunctionStart);
}
