namespace DumpScope.Plugins.Triage.Log;

/// <summary>The kinds of kernel log reports triage recognises (each from its printk format, see LogScanner).</summary>
public enum LogEventKind
{
    /// <summary>panic(): "Kernel panic - not syncing: MSG".</summary>
    Panic,
    /// <summary>sysrq 'c': "sysrq: Trigger a crash" ("SysRq : Trigger a crash" before 5.x).</summary>
    SysrqCrash,
    /// <summary>An Oops: "BUG: unable to handle page fault for address: X", "BUG: kernel NULL pointer dereference, address: X", "Oops: …", "general protection fault…".</summary>
    Oops,
    /// <summary>BUG(): "kernel BUG at FILE:LINE!", and other "BUG: " reports (scheduling while atomic, KASAN…).</summary>
    Bug,
    /// <summary>WARN(): "WARNING: CPU: N PID: N at FILE:LINE FUNC".</summary>
    Warning,
    /// <summary>The soft lockup detector: "watchdog: BUG: soft lockup - CPU#N stuck for Ns! [COMM:PID]".</summary>
    SoftLockup,
    /// <summary>The hard lockup detector: "Watchdog detected hard LOCKUP on cpu N".</summary>
    HardLockup,
    /// <summary>An RCU CPU stall: "rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:", "… self-detected stall on CPU".</summary>
    RcuStall,
    /// <summary>khungtaskd: "INFO: task COMM:PID blocked for more than N seconds.".</summary>
    HungTask,
    /// <summary>out_of_memory(): "COMM invoked oom-killer: gfp_mask=0x…(…), order=N, oom_score_adj=N".</summary>
    OomInvoked,
    /// <summary>The OOM kill: "Out of memory: Killed process PID (COMM) total-vm:…kB, anon-rss:…kB, file-rss:…kB, shmem-rss:…kB…".</summary>
    OomKill,
}
