using DumpScope.Testing;

namespace DumpScope.Plugins.Tasks.Tests;

/// <summary>ps on the same kd1 capture in other formats, and on q1 (QEMU dump-guest-memory: another capture tool).</summary>
[Collection("kd1")]
public sealed class OtherDumpsTests(Kd1Fixture kd1)
{
    private static IReadOnlyList<(long?, long?, long?, ulong, string?, ulong?, ulong?, string?, string)> Columns(IReadOnlyList<PsRow> rows) =>
        rows.Select(r => (r.Pid, r.Ppid, r.Cpu, r.Task, r.State, r.VszKiB, r.RssKiB, r.Comm, r.Marks)).ToArray();

    [SkippableTheory]
    [InlineData("kd1/vmcore.kdump-lzo-d31")]
    [InlineData("kd1/vmcore.elf-d31")]
    public void The_same_capture_in_another_format_gives_the_same_ps(string dump)
    {
        var expected = Columns(kd1.Ps());
        using var session = Kd1Fixture.Open(Fixtures.Require(dump));
        var result = session.Run("ps");
        Columns(PsRow.From(result)).Should().Equal(expected);
        result.Warnings.Should().BeEmpty();
    }

    [SkippableFact]
    public void A_qemu_dump_lists_every_task_and_ignores_qemus_note_pids()
    {
        using var session = Kd1Fixture.Open(Fixtures.Q1Elf);
        var result = session.Run("ps");
        var rows = PsRow.From(result);
        // QEMU writes pr_pid = vCPU number + 1: comparing it with guest pids would raise false alarms.
        result.Warnings.Should().ContainSingle(w => w.Contains("written by QEMU"));
        rows.Should().OnlyContain(r => r.Problem == null);
        rows.Where(r => r.Comm!.StartsWith("worker-", StringComparison.Ordinal)).Should().HaveCount(3)
            .And.OnlyContain(w => rows.Count(r => r.Ppid == w.Pid && r.Comm == "sleep") == 1);
        rows.Count(r => r.Pid == 0).Should().Be(2, "one idle task per CPU");
        rows.Where(r => r.Active).Select(r => r.Cpu).Should().BeEquivalentTo(new long?[] { 0, 1 });

        // crash 8.0.2 found 3 tasks on q1 too; they are ours, at the same addresses, with the same columns.
        var crash = File.ReadAllLines(Fixtures.Require("q1/crash-vmcore.elf.out"))
            .SkipWhile(l => !l.TrimStart().StartsWith("PID    PPID", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.Contains("  RU  ") || l.Contains("  IN  "))
            .Select(l => l.TrimStart('>').Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        crash.Should().HaveCount(3);
        foreach (var c in crash)
        {
            var ours = rows.Single(r => r.Task == Convert.ToUInt64(c[3], 16));
            ours.Pid.Should().Be(long.Parse(c[0]));
            ours.Cpu.Should().Be(long.Parse(c[2]));
            ours.State.Should().Be(c[4]);
            ours.VszKiB.Should().Be(ulong.Parse(c[6]));
            ours.BareComm.Should().Be(c[8].Trim('[', ']'));
        }
        var panicking = rows.Should().ContainSingle(r => r.Panicking).Subject;
        panicking.Pid.Should().Be(1);
        result.Blocks.OfType<TextBlock>().Single().Lines.Should().Contain(l => l.StartsWith("panic: CPU 0, pid 1 (init)"));
    }
}
