using System.Text.RegularExpressions;

namespace DumpScope.Plugins.Files.Tests.Fixtures;

/// <summary>
/// kd3 against crash 8.0.2's output of the same commands (tests/fixtures/kd3), crash 8.0.6's <c>files 123</c> (8.0.2
/// cannot find pid 123) and the guest's own ground truth: /proc/mounts and fxstack's fd table.
/// </summary>
public sealed partial class Kd3FilesTests(Kd3Session kd3) : IClassFixture<Kd3Session>
{
    [SkippableTheory]
    [InlineData("mount", "mount")]
    [InlineData("mount -n 175", "mount-n-175")]
    [InlineData("dev", "dev")]
    [InlineData("dev -d", "dev-d")]
    [InlineData("swap", "swap")]
    [InlineData("ipcs", "ipcs")]
    [InlineData("files ffff8a94efe00000", "files-175")]
    [InlineData("files ffff8a94df2a4800", "files-129")]
    public void The_command_prints_what_crash_prints(string command, string reference)
    {
        var crash = CrashReference.Bundled("kd3", reference);
        CrashReference.Ours(kd3.Session, command).Should().Equal(crash);
    }

    [SkippableFact]
    public void Files_of_the_panicking_task_is_files_of_sh_on_cpu_2()
    {
        CrashReference.Ours(kd3.Session, "files").Should().Equal(CrashReference.Bundled("kd3", "files-175"));
    }

    [SkippableFact]
    public void Files_123_is_crash_8_0_6s_table_except_that_the_pipe_has_the_name_the_guest_saw()
    {
        var crash = CrashReference.Section("kd3/crash-8.0.6-vmcore.kdump-zlib-d31.out", "files 123");
        var ours = CrashReference.Ours(kd3.Session, "files 123");
        ours.Should().HaveCount(crash.Length).And.HaveCount(3 + 204);
        for (int i = 0; i < crash.Length; i++)
        {
            // crash leaves a pipe's path empty; the kernel's d_dname (pipefs_dname) names it, as /proc/123/fd/4 did.
            if (crash[i].StartsWith("  4 ", StringComparison.Ordinal)) ours[i].Should().Be(crash[i] + " pipe:[139]");
            else ours[i].Should().Be(crash[i]);
        }
    }

    [SkippableFact]
    public void Every_fd_of_fxstack_has_the_path_the_guest_read_from_proc()
    {
        var truth = File.ReadAllLines(Testing.Fixtures.Require("kd3/groundtruth-guest.txt"))
            .Select(l => GuestFd().Match(l)).Where(m => m.Success)
            .ToDictionary(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m => m.Groups[2].Value);
        truth.Should().HaveCount(204);
        var result = kd3.Session.Run("files 123");
        var table = result.Blocks.OfType<TableBlock>().Single();
        var ours = table.Rows.ToDictionary(r => (int)(long)r.Cells[0].Value!, r => (string)r.Cells[5].Value!);
        ours.Should().Equal(truth);
        table.Rows.Should().OnlyContain(r => r.Problem == null);
    }

    [SkippableFact]
    public void Mount_agrees_with_the_guests_proc_mounts()
    {
        var lines = File.ReadAllLines(Testing.Fixtures.Require("kd3/groundtruth-guest.txt"));
        int start = Array.IndexOf(lines, "--- mounts");
        var truth = lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("---", StringComparison.Ordinal))
            .Select(l => l.Split(' ')).Select(f => (Dev: f[0], Dir: f[1], Type: f[2])).ToList();
        var table = kd3.Session.Run("mount").Blocks.OfType<TableBlock>().Single();
        table.Rows.Select(r => ((string)r.Cells[3].Value!, (string)r.Cells[4].Value!, (string)r.Cells[2].Value!)).Should().Equal(truth);
    }

    [SkippableFact]
    public void Fuser_finds_fxstack_and_its_threads_holding_a_file_and_every_task_under_the_root()
    {
        var rows = kd3.Session.Run("fuser /fx/d/fx000").Blocks.OfType<TableBlock>().Single().Rows;
        rows.Select(r => (long)r.Cells[0].Value!).Should().Equal(123, 130, 131, 132, 133);
        rows.Should().OnlyContain(r => (string)r.Cells[3].Value! == "fd");
        var root = kd3.Session.Run("fuser /").Blocks.OfType<TableBlock>().Single().Rows;
        root.Should().HaveCountGreaterThan(80).And.OnlyContain(r => ((string)r.Cells[3].Value!).StartsWith("root cwd", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Files_d_gives_the_dentry_its_inode_and_its_path_inside_its_file_system()
    {
        var lines = CrashReference.Ours(kd3.Session, "files -d ffff8a94c140be40");
        lines.Should().Equal("     DENTRY           INODE           SUPERBLK     TYPE PATH",
            "ffff8a94c140be40 ffff8a94c11f3ac0 ffff8a94efa2a000 REG  /d/fx000");
    }

    [SkippableFact]
    public void Dev_p_lists_the_root_bus_and_its_devices_as_crash_does_but_for_the_blank_line_between_them()
    {
        var crash = CrashReference.Bundled("kd3", "dev-p").Where(l => l.Length > 0);
        CrashReference.Ours(kd3.Session, "dev -p").Where(l => l.Length > 0).Should().Equal(crash);
    }

    [SkippableFact]
    public void Mount_f_puts_every_open_file_under_the_mount_of_its_super_block()
    {
        // crash 8.0.2 cannot: the super_block.s_files list it reads is gone from this kernel.
        CrashReference.Bundled("kd3", "mount-f").Should().Contain(l => l.Contains("s_files linked list does not exist"));
        var result = kd3.Session.Run("mount -f");
        result.Failed.Should().BeFalse(result.Error);
        var tables = result.Blocks.OfType<TableBlock>().ToList();
        tables.Should().HaveCount(12, "a mount row and an open-file table for each of the six mounts");
        var fx = tables[11].Rows.Select(r => (string)r.Cells[3].Value!).ToList();
        fx.Where(p => p.StartsWith("/fx/d/fx", StringComparison.Ordinal)).Should().HaveCount(200, "fxstack holds 200 files of the /fx tmpfs open");
        tables[9].Rows.Select(r => (string)r.Cells[3].Value!).Should().BeEmpty("nothing is open on /tmp/w");
        tables[3].Rows.Select(r => (string)r.Cells[3].Value!).Should().Equal("/proc/sysrq-trigger");
    }

    [GeneratedRegex(@"^fd (\d+) -> (.+)$")]
    private static partial Regex GuestFd();
}
