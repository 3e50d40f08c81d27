using DumpScope.Plugins.Memory.Log;
using DumpScope.Sdk.Linux.Printk;
using DumpScope.Testing;

namespace DumpScope.Plugins.Memory.Tests;

/// <summary>log on kd1 against makedumpfile --dump-dmesg (dmesg.txt) and crash's log.</summary>
public sealed class LogTests(Kd1Session kd1) : IClassFixture<Kd1Session>
{
    private static List<string> Lines(CommandResult result)
    {
        result.Error.Should().BeNull();
        return result.Blocks.OfType<TextBlock>().SelectMany(b => b.Lines).ToList();
    }

    [SkippableFact]
    public void Log_equals_makedumpfiles_dump_line_for_line()
    {
        // Nothing is normalized: makedumpfile writes "[%5llu.%06lu] " + text, multi-line records indented by the
        // prefix width, non-printable bytes as \xNN; we produce the same. Only the file's final newline is not a line.
        var expected = File.ReadAllLines(Fixtures.Require("kd1/dmesg.txt"));
        var actual = Lines(kd1.Session.Run("log"));
        actual.Should().HaveCount(expected.Length);
        for (int i = 0; i < expected.Length; i++) actual[i].Should().Be(expected[i], $"line {i + 1}");
        kd1.Analyzer.Log.Skipped.Should().Be(0);
    }

    [SkippableFact]
    public void Log_has_the_markers_and_ends_with_the_panic()
    {
        var lines = Lines(kd1.Session.Run("log"));
        lines.Should().Contain(l => l.EndsWith("FIXTURE-MARKER: workload starting", StringComparison.Ordinal));
        lines.Should().Contain(l => l.EndsWith("FIXTURE-MARKER: 3000 files written", StringComparison.Ordinal));
        int panic = lines.FindLastIndex(l => l.Contains("Kernel panic - not syncing: sysrq triggered crash", StringComparison.Ordinal));
        panic.Should().BeGreaterThan(lines.FindIndex(l => l.Contains("FIXTURE-MARKER: 3000 files written", StringComparison.Ordinal)));
        // After the panic line only its own report follows (CPU, hardware, the call trace up to </TASK>).
        lines[^1].Should().EndWith("</TASK>");
        lines.Skip(panic + 1).Should().OnlyContain(l => l.StartsWith("[   12.92", StringComparison.Ordinal));
        kd1.Analyzer.Log.PanicMessage.Should().Be("Kernel panic - not syncing: sysrq triggered crash");
    }

    [SkippableFact]
    public void Records_are_in_sequence_with_levels()
    {
        var records = kd1.Analyzer.Log.Records;
        records.Select(r => r.Sequence).Should().BeInAscendingOrder();
        records.Should().OnlyContain(r => r.Level >= 0 && r.Level <= 7);
        // loglevel=4 on the command line does not filter what is stored: informational records are there.
        records.Should().Contain(r => r.Level == 6);
        records.Single(r => r.Text.StartsWith("Kernel panic", StringComparison.Ordinal)).Level.Should().Be(0, "panic() prints with KERN_EMERG");
    }

    [SkippableFact]
    public void Tail_and_level_options()
    {
        var all = Lines(kd1.Session.Run("log"));
        var tail = Lines(kd1.Session.Run("log -n 3"));
        tail.Should().Equal(all.TakeLast(3));
        var withLevel = Lines(kd1.Session.Run("log -m -n 1"));
        withLevel.Should().ContainSingle().Which.Should().MatchRegex(@"^\[\s*\d+\.\d{6}\] <[0-7]> ?</TASK>$");
        Lines(kd1.Session.Run("log -t -n 1")).Single().Should().Be(" </TASK>");
        kd1.Session.Run("log -n -5").Error.Should().NotBeNull();
    }

    // The caller of each record (printk_info.caller_id: the pid of the calling task, or 0x80000000 + the CPU outside
    // task context). The fixtures' kernels are built without CONFIG_PRINTK_CALLER, which only decides whether the
    // console prints "[    T1]"; the 5.10+ ring stores caller_id always, so the guest's own panic banners
    // ("CPU: 0 PID: 1 Comm: init", kd3's "CPU: 2 PID: 175 Comm: sh") and sysrq-l's NMI backtraces tell the truth.

    [SkippableFact]
    public void Kd1_records_carry_the_caller_the_guest_names()
    {
        var records = kd1.Analyzer.Log.Records;
        records[0].Text.Should().StartWith("Linux version");
        records[0].Caller.Should().Be("T0", "start_kernel runs as the boot CPU's idle task, pid 0");
        records.Single(r => r.Text.StartsWith("Kernel panic - not syncing", StringComparison.Ordinal)).Caller
            .Should().Be("T1", "the console says \"CPU: 0 PID: 1 Comm: init\" under the panic");
        records.Single(r => r.Text.EndsWith("FIXTURE-MARKER: workload starting", StringComparison.Ordinal)).Caller.Should().StartWith("T");
        records.Should().OnlyContain(r => r.Caller != null);
    }

    [SkippableFact]
    public void Kd3_gives_the_panicking_shell_and_the_cpus_of_the_nmi_backtraces()
    {
        using var session = FixtureSession.Open(Fixtures.Require("kd3/vmcore.kdump-zlib-d31"), typeof(MemoryPlugin).Assembly);
        var lines = session.Run("log -c").Blocks.OfType<TextBlock>().SelectMany(b => b.Lines).ToList();
        lines.Should().Contain(l => l.EndsWith("[  T175] Kernel panic - not syncing: sysrq triggered crash", StringComparison.Ordinal), "pid 175 (sh) panicked");
        // sysrq-l: CPU 2 was init itself (task context), the others answered in NMI context.
        lines.Should().Contain(l => l.EndsWith("[    T1] NMI backtrace for cpu 2", StringComparison.Ordinal));
        lines.Should().Contain(l => l.EndsWith("[    C3] NMI backtrace for cpu 3", StringComparison.Ordinal));
        lines.Should().Contain(l => l.Contains("[    C0] NMI backtrace for cpu 0 skipped", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Log_json_entries_have_the_caller()
    {
        var entries = kd1.Session.Run("log -n 5").Blocks.OfType<TextBlock>().Single().Entries!;
        int caller = entries.Columns.Select(c => c.Key).ToList().IndexOf("caller");
        caller.Should().BeGreaterThanOrEqualTo(0);
        entries.Rows.Should().HaveCount(5).And.OnlyContain(r => (string)r.Cells[caller].Value! == "T1", "the panic report's lines come from init");
    }

    [Fact]
    public void Caller_ids_are_written_as_the_kernel_prints_them()
    {
        new LogRecord(0, 0, 6, 0, "x", 123).Caller.Should().Be("T123");
        new LogRecord(0, 0, 6, 0, "x", 0x8000_0002).Caller.Should().Be("C2");
        new LogRecord(0, 0, 6, 0, "x").Caller.Should().BeNull();
        LogText.Lines(new LogRecord(0, 1_000, 6, 0, "hello", 42), caller: true).Should().Equal("[    0.000001] [   T42] hello");
        LogText.Lines(new LogRecord(0, 1_000, 6, 0, "hello"), caller: true).Should().Equal("[    0.000001] [     ?] hello");
    }
}
