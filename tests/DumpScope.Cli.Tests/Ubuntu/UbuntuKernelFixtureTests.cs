namespace DumpScope.Cli.Tests.Ubuntu;

/// <summary>
/// Every command, from the dump alone, on a real kdump of an Ubuntu generic kernel (tests/fixtures/make-kdump.sh
/// --distro ubuntu; the dumps live in ../shared/fixtures/uXXXX, the guest's own records of itself in
/// tests/fixtures/uXXXX). Answers are compared with what the guest recorded before the panic (groundtruth-guest.txt:
/// /proc's tasks, slabinfo, modules) and with makedumpfile's --dump-dmesg, never with numbers written here. Optional
/// fixtures: each test skips when its dump is absent, under CI too, before any file is read.
/// </summary>
public abstract class UbuntuKernelFixtureTests
{
    /// <summary>The fixture folder (u2404, u2204, ...).</summary>
    protected abstract string Folder { get; }

    /// <summary>The commands a user runs first; each must succeed on this kernel.</summary>
    protected virtual IReadOnlyList<string> Commands => [.. KernelFixtureChecks.Commands, "sockets"];

    /// <summary>The dump (skips when absent), then the guest's ground truth from the repository.</summary>
    protected (string Dump, GuestTruth Truth) Open()
    {
        string dump = Fixtures.Optional($"{Folder}/vmcore.kdump-zlib-d31");
        return (dump, new GuestTruth(Small("groundtruth-guest.txt")));
    }

    /// <summary>Runs a check of the dump against the guest's ground truth.</summary>
    protected void Check(Action<string, GuestTruth> check)
    {
        var (dump, truth) = Open();
        check(dump, truth);
    }

    /// <summary>A small file of the fixture kept in the repository (tests/fixtures/FOLDER).</summary>
    protected string Small(string name) => Repository.File($"tests/fixtures/{Folder}/{name}");

    /// <summary>A line the commands' output holds about the crash (sys PANIC, triage, log).</summary>
    protected virtual string CrashLine => "sysrq triggered crash";

    [SkippableFact]
    public void Every_command_runs_without_an_error_or_a_stack_trace() => KernelFixtureChecks.EveryCommandRuns(Open().Dump, Commands, CrashLine);

    // kallsyms in the dump (named by VMCOREINFO on 6.0+, searched for before): the guest's /proc/kallsyms agrees
    [SkippableFact]
    public void Sym_gives_the_guests_kallsyms_addresses() => Check((dump, truth) =>
    {
        var guest = truth.Kallsyms();
        guest.Should().NotBeEmpty();
        foreach (var (name, address) in guest)
            KernelFixtureChecks.Rows(KernelFixtureChecks.Json(dump, $"sym {name}")).Select(r => r.GetProperty("address").GetString())
                .Should().Contain($"0x{address:x}", name);
    });

    [SkippableFact]
    public void Sys_names_the_guest_release() => Check(KernelFixtureChecks.SysNamesTheRelease);

    [SkippableFact]
    public void Mach_HZ_is_the_kernel_configs() => Check((dump, truth) => KernelFixtureChecks.MachHzIsConfigs(dump, Small($"config-{truth.Release}")));

    // Ubuntu's 5.4, 5.15 and 6.8 generic kernels are frame-pointer kernels: every kthread's chain ends in copy_thread's pt_regs.
    [SkippableFact]
    public void Log_is_the_text_makedumpfile_dumped() => KernelFixtureChecks.LogIsDmesg(Open().Dump, Small("dmesg.txt"));
}
