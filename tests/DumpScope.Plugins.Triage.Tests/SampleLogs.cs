namespace DumpScope.Plugins.Triage.Tests;

/// <summary>Kernel log reports written from the kernel's printk formats, for the parser and triage tests.</summary>
internal static class SampleLogs
{
    /// <summary>A NULL pointer dereference in a module's work function (page fault Oops, then the panic of panic_on_oops).</summary>
    public const string NullPointerOops = """
            [  100.000001] BUG: kernel NULL pointer dereference, address: 0000000000000008
            [  100.000002] #PF: supervisor read access in kernel mode
            [  100.000003] #PF: error_code(0x0000) - not-present page
            [  100.000004] PGD 0 P4D 0
            [  100.000005] Oops: 0000 [#1] PREEMPT SMP NOPTI
            [  100.000006] CPU: 3 PID: 4242 Comm: kworker/3:1 Tainted: G           OE      6.1.0-56-cloud-amd64 #1  Debian 6.1.192-2
            [  100.000007] Hardware name: QEMU Standard PC (i440FX + PIIX, 1996)
            [  100.000008] Workqueue: events mydrv_work [mydrv]
            [  100.000009] RIP: 0010:mydrv_work+0x1c/0x80 [mydrv]
            [  100.000010] Code: 48 8b 47 08 <48> 8b 40 08 c3
            [  100.000011] RSP: 0018:ffffb0c0c0a3fe68 EFLAGS: 00010246
            [  100.000012] CR2: 0000000000000008 CR3: 000000010a40e000 CR4: 00000000003506e0
            [  100.000013] Call Trace:
            [  100.000014]  <TASK>
            [  100.000015]  process_one_work+0x1c7/0x380
            [  100.000016]  ? rescuer_thread+0x3a0/0x3a0
            [  100.000017]  worker_thread+0x4d/0x380
            [  100.000018]  kthread+0xda/0x100
            [  100.000019]  ret_from_fork+0x22/0x30
            [  100.000020]  </TASK>
            [  100.000021] Kernel panic - not syncing: Fatal exception
            """;
}
