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
}
