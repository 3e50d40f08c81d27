using DumpScope.Host.Session;
using DumpScope.Testing;
using DumpScope.Testing.Sessions;

namespace DumpScope.Plugins.Stacks.Tests;

/// <summary>
/// bt -l and dis -l on kd3 with the DWARF vmlinux: each frame's source line is the call's (addr2line of the
/// return address minus one, tests/fixtures/kd3/addr2line-bt-175.txt). Skips without the fixtures or the vmlinux.
/// </summary>
public sealed class SourceLineTests
{
    private static readonly Lazy<DumpScopeSession> Session = new(() => FixtureSession.Open(
        new SessionOptions { DumpPath = Fixtures.Require("kd3/vmcore.kdump-zlib-d31"), VmlinuxPath = Fixtures.Vmlinux, Types = TypeSourceKind.Btf },
        typeof(StacksPlugin).Assembly));

    [SkippableFact]
    public void Bt_l_gives_each_frame_of_the_panic_task_the_line_of_its_call()
    {
        var expected = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "references", "kd3", "addr2line-bt-175.txt"))
            .Where(l => !l.StartsWith('#')).Select(l => l.Split(' ')).Select(p => (p[0], p[1])).ToArray();
        var result = Session.Value.Run("bt -l 175");
        result.Failed.Should().BeFalse(result.Error);
        var table = result.Blocks.OfType<TableBlock>().Single();
        int source = Array.FindIndex(table.Columns.ToArray(), c => c.Name == "SOURCE");
        source.Should().BePositive();
        var got = table.Rows.Select(r => ((string)r.Cells[2].Value!, (string)r.Cells[source].Value!)).ToArray();
        got.Should().Equal(expected);
        table.Rows[1].Text.Should().Contain("\n    debian/build/build_amd64_none_cloud-amd64/kernel/panic.c: 358", "crash's bt -l prints the line under the frame");
    }

    [SkippableFact]
    public void Dis_l_puts_each_new_source_line_above_its_first_instruction()
    {
        var result = Session.Value.Run("dis -l sysrq_handle_crash");
        result.Failed.Should().BeFalse(result.Error);
        var rows = result.Blocks.OfType<TableBlock>().Single().Rows;
        rows[0].Text.Should().StartWith("debian/build/build_amd64_none_cloud-amd64/drivers/tty/sysrq.c: ");
        rows.Should().Contain(r => r.Text!.StartsWith("debian/build/build_amd64_none_cloud-amd64/drivers/tty/sysrq.c: 155\n", StringComparison.Ordinal),
            "the call to panic() is on line 155");
    }

    [SkippableFact]
    public void Without_debug_files_bt_l_and_mod_S_say_what_to_give()
    {
        using var session = FixtureSession.Open(Fixtures.Require("kd3/vmcore.kdump-zlib-d31"), typeof(StacksPlugin).Assembly);
        var result = session.Run("bt -l");
        result.Failed.Should().BeTrue();
        result.Error.Should().Contain("--vmlinux");
        var missing = session.Run("mod -S /nonexistent/modules");
        missing.Failed.Should().BeTrue();
        missing.Error.Should().Contain("not found: /nonexistent/modules");
    }
}
