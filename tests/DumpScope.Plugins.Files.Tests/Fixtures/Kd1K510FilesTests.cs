namespace DumpScope.Plugins.Files.Tests.Fixtures;

/// <summary>kd1 against crash 8.0.2's output of the same commands (tests/fixtures/kd1).</summary>
public sealed class Kd1FilesTests(Kd1Session kd1) : IClassFixture<Kd1Session>
{
    [SkippableTheory]
    [InlineData("mount", "mount")]
    [InlineData("dev", "dev")]
    [InlineData("dev -d", "dev-d")]
    [InlineData("swap", "swap")]
    [InlineData("ipcs", "ipcs")]
    [InlineData("files 1", "files-1")]
    public void The_command_prints_what_crash_prints(string command, string reference) =>
        CrashReference.Ours(kd1.Session, command).Should().Equal(CrashReference.Bundled("kd1", reference));
}

/// <summary>
/// k510 (5.10: struct hd_struct era disks, queue_hw_ctx array, mnt_namespace list) against crash 8.0.2 with the
/// 5.10 DWARF vmlinux: the fixture's own outputs and those made for these tests (tests/fixtures/k510).
/// </summary>
public sealed class K510FilesTests(K510Session k510) : IClassFixture<K510Session>
{
    private const string CrashOut = "k510/crash-vmcore.kdump-zlib-d31.out";

    [SkippableTheory]
    [InlineData("mount")]
    [InlineData("dev")]
    [InlineData("files 98")]
    public void The_command_prints_what_crash_printed_in_the_fixture(string command)
    {
        var crash = CrashReference.Section(CrashOut, command);
        var ours = CrashReference.Ours(k510.Session, command);
        if (command.StartsWith("files", StringComparison.Ordinal))
            ours = [.. ours.Select(l => l.EndsWith(" FIFO pipe:[9568]", StringComparison.Ordinal) ? l[..^" pipe:[9568]".Length] : l)];
        ours.Should().Equal(crash);
    }

    [SkippableTheory]
    [InlineData("swap", "swap")]
    [InlineData("ipcs", "ipcs")]
    public void The_command_prints_what_crash_prints(string command, string reference) =>
        CrashReference.Ours(k510.Session, command).Should().Equal(CrashReference.Bundled("k510", reference));

    [SkippableFact]
    public void Dev_d_has_crashs_row_under_read_and_write_where_crash_says_async_and_sync()
    {
        var crash = CrashReference.Bundled("k510", "dev-d");
        var ours = CrashReference.Ours(k510.Session, "dev -d");
        ours[1..].Should().Equal(crash[1..]);
        crash[0].Should().EndWith("TOTAL ASYNC  SYNC");
    }
}
