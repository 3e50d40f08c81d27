namespace DumpScope.Cli.Tests.Ubuntu;

/// <summary>
/// Ubuntu 18.04 (bionic) 4.15.0-213-generic: a kernel without BTF (no CONFIG_DEBUG_INFO_BTF) and without kallsyms in
/// VMCOREINFO. From the dump alone: kallsyms (searched for), the log (log_buf of struct printk_log records, read with
/// VMCOREINFO's offsets), sys (the names from init_uts_ns found by content, the oops as PANIC: sysrq-c on 4.15 is a
/// NULL write whose oops kills init, and oops_end calls crash_kexec), dumpinfo, mach; every command that needs types
/// fails in one line naming what is missing and which file supplies it.
/// </summary>
public sealed class U1804FixtureTests : UbuntuKernelFixtureTests
{
    /// <inheritdoc />
    protected override string Folder => "u1804";

    /// <inheritdoc />
    protected override string CrashLine => "Oops: 0002";

    /// <inheritdoc />
    protected override IReadOnlyList<string> Commands => ["sys", "sys -v", "log", "dumpinfo", "mach", "triage", "sym init_task", "kmem -i"];

    // NR_FREE_PAGES without the enum: VMCOREINFO's NUMBER(NR_FREE_PAGES) indexes vm_zone_stat
    [SkippableFact]
    public void Kmem_i_free_is_the_guests_MemFree_give_or_take_the_panic() => Check((dump, _) =>
    {
        var meminfo = File.ReadLines(Small("groundtruth-guest.txt")).Where(l => l.StartsWith("Mem", StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf(':')], l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024);
        var rows = KernelFixtureChecks.Rows(KernelFixtureChecks.Json(dump, "kmem -i")).ToDictionary(r => r.GetProperty("name").GetString()!, r => r);
        rows["TOTAL MEM"].GetProperty("bytes").GetInt64().Should().Be(meminfo["MemTotal"]);
        // between the ground truth and the dump the guest only sleeps, oopses and kexecs: a few pages move
        rows["FREE"].GetProperty("bytes").GetInt64().Should().BeCloseTo(meminfo["MemFree"], (ulong)meminfo["MemTotal"] / 100);
    });

    [SkippableTheory]
    [InlineData("ps")]
    [InlineData("pstree")]
    [InlineData("kmem -s")]
    [InlineData("kmem -S dentry")]
    [InlineData("bt")]
    [InlineData("bt -a")]
    [InlineData("foreach bt")]
    [InlineData("mod")]
    [InlineData("files 1")]
    [InlineData("net")]
    [InlineData("mount")]
    [InlineData("irq")]
    [InlineData("runq")]
    [InlineData("sig 1")]
    [InlineData("swap")]
    public void A_command_that_needs_types_says_in_one_line_what_is_missing_and_which_file_supplies_it(string command)
    {
        var (dump, truth) = Open();
        var (exit, _, error) = CliRun.Run(dump, "-c", command);
        exit.Should().NotBe(0);
        error.Should().NotContain("   at DumpScope", "bad input is one line, never a stack trace");
        var line = error.Split('\n').Single(l => l.StartsWith("error:", StringComparison.Ordinal));
        line.Should().Contain("is needed but the session has no types (the kernel has no BTF")
            .And.Contain("--vmlinux").And.Contain($"linux-image-unsigned-{truth.Release}-dbgsym").And.Contain("--btf");
    }
}
