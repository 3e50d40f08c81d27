using DumpScope.Sdk.Linux.Printk;

namespace DumpScope.Sdk.Linux.Tests.Printk;

/// <summary>
/// The crash line of a kernel dumped without a panic: on 4.15 sysrq-c is a NULL write, the oops kills init and oops_end
/// calls crash_kexec, so the log has "BUG: ..." and "Oops: ..." but no "Kernel panic - not syncing" (fixture u1804).
/// </summary>
public sealed class OopsMessageTests
{
    private static KernelLog Log(params string[] texts) =>
        new("log_buf", [.. texts.Select((t, i) => new LogRecord((ulong)i, (ulong)i * 1000, 1, 0, t))], 0, 0, []);

    [Fact]
    public void The_last_Oops_line_names_a_crash_without_a_panic()
    {
        var log = Log("sysrq: SysRq : Trigger a crash", "BUG: unable to handle kernel NULL pointer dereference at 0000000000000000",
            "IP: sysrq_handle_crash+0x16/0x20", "Oops: 0002 [#1] SMP NOPTI\nModules linked in: virtio_blk");

        log.PanicMessage.Should().BeNull();
        log.OopsMessage.Should().Be("Oops: 0002 [#1] SMP NOPTI");
    }

    [Fact]
    public void A_BUG_line_is_taken_when_no_Oops_line_survived_and_nothing_when_neither_is_there()
    {
        Log("BUG: soft lockup - CPU#1 stuck for 22s!", "Modules linked in:").OopsMessage.Should().Be("BUG: soft lockup - CPU#1 stuck for 22s!");
        Log("Linux version 4.15.0", "Run /init as init process").OopsMessage.Should().BeNull();
    }
}
