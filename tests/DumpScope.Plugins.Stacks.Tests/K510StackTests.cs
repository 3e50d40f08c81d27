using DumpScope.Testing;
using DumpScope.Testing.Crash;

namespace DumpScope.Plugins.Stacks.Tests;

/// <summary>
/// bt and foreach bt on k510 (Debian 11's 5.10: ORC, no kallsyms in VMCOREINFO) against crash 8.0.2 with the DWARF
/// vmlinux on the same dump (tests/fixtures/k510/crash-bt.out, crash-foreach-bt.out). Skips without the fixtures.
/// </summary>
[Collection("dumps")]
public sealed class K510StackTests(DumpSessions dumps)
{
    private static IReadOnlyList<CrashTaskTrace> Crash(string name) =>
        CrashBacktraces.Parse(File.ReadLines(Path.Combine(AppContext.BaseDirectory, "references", "k510", $"crash-{name}.out")));

    // crash's unwinder stops fx-vforker (pid 102) in schedule_timeout; the vfork parent waits in
    // wait_for_completion_killable from kernel_clone, the rest of the trace ours has.
    private static readonly HashSet<int> CrashStopsEarly = [102];

    // Two symbols at one address (__x64_sys_pause and its __ia32_ alias) are one frame: the IPs are compared.
    private static bool Same(CrashFrame crash, BtRow ours, bool first) =>
        crash.Ip == ours.Ip && (first || crash.Sp == ours.Sp);

    [SkippableFact]
    public void Bt_of_the_panic_task_has_crashs_frames_from_panic_on()
    {
        var expected = Crash("bt").Single().Frames.SkipWhile(f => f.Function != "panic").ToArray();
        expected.Should().HaveCountGreaterThan(5);
        var result = dumps.K510.Run("bt");
        result.Failed.Should().BeFalse(result.Error);
        var (pid, _, frames) = BtRow.Blocks(result).Single();
        pid.Should().Be(149);
        // crash starts at machine_kexec; the registers the kernel saved for the dump were taken in __crash_kexec.
        frames[0].Function.Should().Be("__crash_kexec");
        var ours = frames.SkipWhile(f => f.Function != "panic").ToArray();
        ours.Select(f => (f.Function ?? "", f.Ip, f.Sp)).Should().Equal(expected.Select(f => (f.Function, f.Ip, f.Sp)));
    }

    [SkippableFact]
    public void Bt_a_gives_the_cpu_stopped_by_the_nmi_crashs_frames_all_reliable_from_the_stop_handler_on()
    {
        // CPU 0 spun in user space when the panicking CPU's NMI stopped it: crash_nmi_callback halts there, so the
        // handler frame is the live one (a lockup's first question is where that CPU is).
        var expected = Crash("bt-a").Single(t => t.Pid == 104);
        expected.Frames[0].Function.Should().Be("crash_nmi_callback");
        var result = dumps.K510.Run("bt -a");
        result.Failed.Should().BeFalse(result.Error);
        var spinner = BtRow.Blocks(result).Single(b => b.Pid == 104).Frames;
        spinner.Select(f => (f.Function ?? "", f.Ip, f.Sp)).Should().Equal(expected.Frames.Select(f => (f.Function, f.Ip, f.Sp)));
        spinner.Should().OnlyContain(f => f.Reliable);
        DumpScope.Host.Rendering.TextRenderer.Render(result).Should().Contain("RIP: 0000000000401770  RSP: 00007fff74408850  RFLAGS: 00000206");
    }

    [SkippableFact]
    public void Foreach_bt_matches_the_sysrq_t_trace_of_every_sleeping_task()
    {
        var sysrq = KernelTraces.SysrqT(File.ReadAllText(Fixtures.Require("k510/dmesg.txt")));
        sysrq.Should().HaveCountGreaterThan(50);
        var kernel = DumpSessions.Kernel(dumps.K510);
        var ours = BtRow.Blocks(dumps.K510.Run("foreach bt")).Where(b => b.Pid != 0).GroupBy(b => b.Pid).ToDictionary(g => g.Key, g => g.First().Frames);
        var mismatches = new List<string>();
        // A task sysrq-t found running on another CPU has no stack in its output.
        foreach (var task in sysrq.Where(t => t.ReliableFrames.Any()))
        {
            var expected = task.ReliableFrames.ToArray();
            var got = ours.GetValueOrDefault(task.Pid)?.Where(f => f.Reliable).ToArray() ?? [];
            // The kernel names an alias where kallsyms has two names for one address (__do_sys_pause, __ia32_sys_pause).
            bool same = got.Length == expected.Length && expected.Zip(got).All(p => p.Second.Offset == p.First.Offset
                && (p.Second.Function == p.First.Name || (kernel.Symbols.TryGetAddress(p.First.Name, out var a) && a == p.Second.FunctionStart)));
            if (!same)
                mismatches.Add($"pid {task.Pid} {task.Comm}: kernel [{string.Join(' ', expected.Select(f => f.Name))}] ours [{string.Join(' ', got.Select(f => f.Function))}]");
        }
        mismatches.Should().OnlyContain(m => MovedSinceSysrq.Any(pid => m.StartsWith($"pid {pid} ", StringComparison.Ordinal)),
            "every task that slept through both moments has the kernel's own reliable frames:\n{0}", string.Join("\n", mismatches));
    }

    // Tasks whose sysrq-t stack is not the one they sat in at the panic: init ran sysrq-t itself (at the panic it
    // waited in do_wait). fx-vforker (102) matches the kernel's trace where crash's stops early.
    private static readonly HashSet<int> MovedSinceSysrq = [1];

    [SkippableFact]
    public void Foreach_bt_has_crashs_frames_for_every_sleeping_task()
    {
        var active = Crash("bt-a").Select(t => t.Task).ToHashSet();
        var expected = Crash("foreach-bt").Where(t => !active.Contains(t.Task)).ToArray();
        expected.Should().HaveCountGreaterThan(55);
        var result = dumps.K510.Run("foreach bt");
        result.Failed.Should().BeFalse(result.Error);
        var ours = BtRow.Blocks(result).GroupBy(b => b.Title).ToDictionary(g => g.Key, g => g.First().Frames);
        var mismatches = new List<string>();
        foreach (var task in expected)
        {
            var mine = ours.FirstOrDefault(o => o.Key.Contains($"TASK: {task.Task:x}", StringComparison.Ordinal)).Value?.Where(f => f.Reliable).ToArray() ?? [];
            var theirs = task.Frames.Where(f => f.Reliable).ToArray();
            bool prefix = mine.Length >= theirs.Length && theirs.Select((f, i) => Same(f, mine[i], i == 0)).All(x => x);
            bool whole = prefix && (mine.Length == theirs.Length || CrashStopsEarly.Contains(task.Pid));
            if (!whole)
                mismatches.Add($"pid {task.Pid} {task.Comm}: crash [{string.Join(' ', theirs.Select(f => f.Function))}] ours [{string.Join(' ', mine.Select(f => f.Function))}]");
        }
        mismatches.Should().BeEmpty("every sleeping task has crash's frames:\n{0}", string.Join("\n", mismatches));
    }
}
