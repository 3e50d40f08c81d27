namespace DumpScope.Plugins.Triage.Tests;

/// <summary>The crash signature: what is blanked, what is hashed, and that another panic path gives another signature.</summary>
public sealed class CrashSignatureTests
{
    private static readonly string[] SysrqFrames =
        ["__crash_kexec", "panic", "sysrq_handle_crash", "__handle_sysrq.cold", "write_sysrq_trigger", "proc_reg_write", "vfs_write", "ksys_write"];

    [Fact]
    public void The_template_blanks_numbers_addresses_and_the_task_in_brackets()
    {
        CrashSignature.TemplateOf("watchdog: BUG: soft lockup - CPU#2 stuck for 22s! [kworker/2:1:1234]")
            .Should().Be("watchdog: BUG: soft lockup - CPU## stuck for #s! [#]");
        CrashSignature.TemplateOf("BUG: unable to handle page fault for address: ffffc90000abc000")
            .Should().Be("BUG: unable to handle page fault for address: #");
        CrashSignature.TemplateOf("Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: 0xffffffffc0a01234")
            .Should().Be("Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: #");
    }

    [Fact]
    public void The_machinery_is_skipped_and_at_most_five_frames_are_hashed()
    {
        var signature = CrashSignature.From("Kernel panic - not syncing: sysrq triggered crash", SysrqFrames, "test");
        signature.Frames.Should().Equal("sysrq_handle_crash", "__handle_sysrq.cold", "write_sysrq_trigger", "proc_reg_write", "vfs_write");
        signature.Value.Should().MatchRegex("^v1:[0-9a-f]{16}$");
    }

    [Fact]
    public void The_same_crash_at_other_addresses_and_pids_has_the_same_signature()
    {
        var a = CrashSignature.From("BUG: soft lockup - CPU#1 stuck for 23s! [a:10] | Kernel panic - not syncing: softlockup: hung tasks", ["spin_loop", "do_thing"], "test");
        var b = CrashSignature.From("BUG: soft lockup - CPU#3 stuck for 52s! [b:99] | Kernel panic - not syncing: softlockup: hung tasks", ["spin_loop", "do_thing"], "test");
        a.Value.Should().Be(b.Value);
    }

    [Fact]
    public void Another_panic_path_or_message_has_another_signature()
    {
        var sysrq = CrashSignature.From("sysrq: Trigger a crash | Kernel panic - not syncing: sysrq triggered crash", SysrqFrames, "test");
        var oops = CrashSignature.From("BUG: kernel NULL pointer dereference, address: 0000000000000008 | Kernel panic - not syncing: Fatal exception",
            ["mydrv_work", "process_one_work", "worker_thread", "kthread", "ret_from_fork"], "test");
        var otherPath = CrashSignature.From("sysrq: Trigger a crash | Kernel panic - not syncing: sysrq triggered crash",
            ["__crash_kexec", "panic", "sysrq_handle_crash", "__handle_sysrq", "sysrq_handle_keypress"], "test");
        new[] { sysrq.Value, oops.Value, otherPath.Value }.Should().OnlyHaveUniqueItems();
    }
}
