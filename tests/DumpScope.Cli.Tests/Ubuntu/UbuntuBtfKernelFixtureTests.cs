namespace DumpScope.Cli.Tests.Ubuntu;

/// <summary>
/// The Ubuntu kernels with BTF in the dump (5.4's later builds, 5.15, 6.8): besides the checks every kernel gets, the
/// typed answers against the guest's /proc: the task set, the slabinfo totals, the modules, every task's backtrace.
/// </summary>
public abstract class UbuntuBtfKernelFixtureTests : UbuntuKernelFixtureTests
{
    [SkippableFact]
    public void Ps_lists_every_task_the_guest_listed() => Check(KernelFixtureChecks.PsListsEveryGuestTask);

    [SkippableFact]
    public void Kmem_s_lists_every_guest_cache_with_its_slabinfo_total() => Check(KernelFixtureChecks.KmemSMatchesSlabinfo);

    [SkippableFact]
    public void Mod_lists_the_guests_modules() => Check(KernelFixtureChecks.ModIsProcModules);

    // Ubuntu's 5.4, 5.15 and 6.8 generic kernels are frame-pointer kernels: every kthread's chain ends in copy_thread's pt_regs.
    [SkippableFact]
    public void Foreach_bt_unwinds_every_task_to_its_end() => KernelFixtureChecks.ForeachBtEndsNoTraceEarly(Open().Dump);
}
