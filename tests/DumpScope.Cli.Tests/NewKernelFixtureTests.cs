using DumpScope.Testing.Crash;

namespace DumpScope.Cli.Tests;

/// <summary>
/// Every command, from the dump alone, on real dumps of kernels newer than the standard fixtures' 6.1: Debian 13's
/// 6.12 (k612: kdump by trixie's makedumpfile; k612-q: QEMU dump-guest-memory) and trixie-backports' 7.3 (k73: the
/// capture kernel's unfiltered /proc/vmcore, vmcore.raw; k73-q). Answers are compared with what each guest recorded
/// about itself before the panic (groundtruth-guest.txt) and with makedumpfile's --dump-dmesg, never with numbers
/// written here. These are optional fixtures (tests/fixtures/make-kdump.sh makes them; the real CI's shared folder
/// does not hold them): every test skips when its dump is absent, under CI too.
/// </summary>
public sealed class NewKernelFixtureTests
{
    /// <summary>The dumps: fixture folder, dump file inside it (a .zst sibling is decompressed once).</summary>
    public static TheoryData<string, string> Dumps => new()
    {
        { "k612", "vmcore.kdump-zlib-d31" },
        { "k612-q", "vmcore.elf" },
        { "k73", "vmcore.raw" },
        { "k73-q", "vmcore.elf" },
    };

    private static (string Dump, GuestTruth Truth, string Folder) Open(string folder, string file)
    {
        string dump = Fixtures.Optional($"{folder}/{file}");
        string dir = Path.GetDirectoryName(Fixtures.Optional($"{folder}/groundtruth-guest.txt"))!;
        return (dump, new GuestTruth(Path.Combine(dir, "groundtruth-guest.txt")), dir);
    }

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void Every_command_runs_without_an_error_or_a_stack_trace(string folder, string file)
    {
        var (dump, _, _) = Open(folder, file);
        KernelFixtureChecks.EveryCommandRuns(dump, KernelFixtureChecks.Commands);
    }

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void Sys_names_the_guest_release_an_uptime_and_the_dates(string folder, string file)
    {
        var (dump, truth, _) = Open(folder, file);
        KernelFixtureChecks.SysNamesTheRelease(dump, truth);
    }

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void Mach_HZ_is_the_kernel_configs(string folder, string file)
    {
        var (dump, truth, dir) = Open(folder, file);
        var config = Path.Combine(Path.GetDirectoryName(dir)!, $"kernel-{truth.Release}", $"config-{truth.Release}");
        Skip.IfNot(File.Exists(config), $"{config} is absent");
        KernelFixtureChecks.MachHzIsConfigs(dump, config);
    }

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void Ps_lists_every_task_the_guest_listed(string folder, string file)
    {
        var (dump, truth, _) = Open(folder, file);
        KernelFixtureChecks.PsListsEveryGuestTask(dump, truth);
    }

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void Kmem_s_lists_every_guest_cache_with_its_slabinfo_total(string folder, string file)
    {
        var (dump, truth, _) = Open(folder, file);
        KernelFixtureChecks.KmemSMatchesSlabinfo(dump, truth);
    }

    [SkippableTheory]
    [MemberData(nameof(Dumps))]
    public void Mod_lists_the_guests_modules(string folder, string file)
    {
        var (dump, truth, _) = Open(folder, file);
        KernelFixtureChecks.ModIsProcModules(dump, truth);
    }

    // Not k73-q: there the panicking CPU's trace (QEMU's registers, PID 1 in the panic loop) still stops early.
    [SkippableTheory]
    [InlineData("k612", "vmcore.kdump-zlib-d31")]
    [InlineData("k612-q", "vmcore.elf")]
    [InlineData("k73", "vmcore.raw")]
    public void Foreach_bt_unwinds_every_task_to_its_end(string folder, string file)
    {
        var (dump, _, _) = Open(folder, file);
        // the ORC data (register numbering and entry layout probed from the entries) carries every trace through
        KernelFixtureChecks.ForeachBtEndsNoTraceEarly(dump);
    }

    [SkippableTheory]
    [InlineData("k612", "vmcore.kdump-zlib-d31")]
    [InlineData("k73", "vmcore.raw")]
    public void Log_is_the_text_makedumpfile_dumped(string folder, string file)
    {
        var (dump, _, dir) = Open(folder, file);
        KernelFixtureChecks.LogIsDmesg(dump, Path.Combine(dir, "dmesg.txt"));
    }
}
