namespace DumpScope.Plugins.Tasks.Tests.Synthetic;

/// <summary>
/// A small kernel built byte by byte with the fixture kernel's own layouts (BTF), for what kd1 lacks: a process
/// with several threads. init_task (swapper/0) and swapper/1; kthreadd-like "kworker" (pid 2); "server"
/// (pid 10) with threads 11 and 12 sharing one mm; runqueues for two CPUs (thread 11 runs on CPU 0, which
/// panicked); the initial PID namespace as a one-node xarray. task_state_array is absent on purpose.
/// </summary>
internal sealed class SyntheticTasks
{
    public const ulong InitTask = 0xffff_8880_0100_0000;
    public const ulong Server = 0xffff_8880_0110_0000;
    public const ulong Thread11 = 0xffff_8880_0120_0000;
    public const ulong Thread12 = 0xffff_8880_0130_0000;
    public const ulong Kworker = 0xffff_8880_0140_0000;
    public const ulong Idle1 = 0xffff_8880_0150_0000;
    public const ulong Mm = 0xffff_8880_0200_0000;
    private const ulong Runqueues = 0xffff_9000_0000_0000;
    private const ulong PidNamespace = 0xffff_8880_0300_0000;
    private const ulong XaNode = 0xffff_8880_0310_0000;
    private const ulong Pids = 0xffff_8880_0320_0000;
    private const ulong Signals = 0xffff_8880_0330_0000;
    private const ulong PanicCpu = 0xffff_8880_0340_0000;
    private const ulong TotalRam = 0xffff_8880_0340_0100;

    public SyntheticTasks()
    {
        Kernel = new SyntheticKernel(ReferenceTypes.Debian61);
        Kernel.Symbols.Add("init_task", InitTask);
        Kernel.Symbols.Add("runqueues", Runqueues);
        Kernel.Symbols.Add("init_pid_ns", PidNamespace);
        Kernel.Symbols.Add("panic_cpu", PanicCpu);
        Kernel.Symbols.Add("_totalram_pages", TotalRam);

        Task(InitTask, 0, 0, "swapper/0", cpu: 0, state: 0, kthread: true, parent: InitTask, leader: InitTask, signal: Signals);
        Task(Idle1, 0, 0, "swapper/1", cpu: 1, state: 0, kthread: true, parent: InitTask, leader: Idle1, signal: Signals);
        Task(Kworker, 2, 2, "kworker", cpu: 1, state: 0x402, kthread: true, parent: InitTask, leader: Kworker, signal: Signals + 0x1000);
        Task(Server, 10, 10, "server", cpu: 1, state: 1, kthread: false, parent: InitTask, leader: Server, signal: Signals + 0x2000);
        Task(Thread11, 11, 10, "server-io", cpu: 0, state: 0, kthread: false, parent: InitTask, leader: Server, signal: Signals + 0x2000);
        Task(Thread12, 12, 10, "server-io", cpu: 1, state: 2, kthread: false, parent: InitTask, leader: Server, signal: Signals + 0x2000);

        // init_task.tasks: init_task → server → kworker → init_task (leaders only).
        Kernel.Memory.LinkRing(Offset("struct task_struct", "tasks"), InitTask, Server, Kworker);
        // Each leader's threads hang on signal->thread_head, linked by thread_node.
        ulong head = Offset("struct signal_struct", "thread_head"), node = Offset("struct task_struct", "thread_node");
        Kernel.Memory.LinkObjects(Signals + head, node, InitTask);
        Kernel.Memory.LinkObjects(Signals + 0x1000 + head, node, Kworker);
        Kernel.Memory.LinkObjects(Signals + 0x2000 + head, node, Server, Thread11, Thread12);

        // mm: 100 pages of address space; file 10, anon 20, swap 0, shmem 5; thread 11 holds 2 anon pages not yet folded in.
        Set("struct mm_struct", Mm, "total_vm", 100);
        for (int i = 0; i < 4; i++) Set("struct mm_struct", Mm, $"rss_stat.count[{i}].counter", new ulong[] { 10, 20, 0, 5 }[i]);
        Set("struct task_struct", Thread11, "rss_stat.count[1]", 2);
        Kernel.Memory.WriteU64(TotalRam, 1000);

        foreach (var (cpu, curr, idle) in new[] { (0, Thread11, InitTask), (1, Idle1, Idle1) })
        {
            ulong rq = Runqueues + Kernel.PerCpuOffset(cpu);
            Set("struct rq", rq, "curr", curr);
            Set("struct rq", rq, "idle", idle);
        }
        Kernel.Memory.WriteU64(PanicCpu, 0);

        // init_pid_ns.idr: one xa_node at shift 0 holding the pids 2, 10, 11, 12.
        Set("struct pid_namespace", PidNamespace, "idr.idr_rt.xa_head", XaNode | 2);
        Kernel.Zero("struct xa_node", XaNode);
        ulong numbers = Offset("struct pid", "numbers"), link = Offset("struct task_struct", "pid_links[0]");
        foreach (var (nr, task) in new[] { (2, Kworker), (10, Server), (11, Thread11), (12, Thread12) })
        {
            ulong pid = Pids + (ulong)nr * 0x100;
            Set("struct xa_node", XaNode, $"slots[{nr}]", pid);
            Kernel.Memory.Write(pid, new byte[(int)numbers + 16]);
            Set("struct pid", pid, "tasks[0].first", task + link);
            Kernel.Memory.Write(pid + numbers, BitConverter.GetBytes(nr));
            Set("struct task_struct", task, "thread_pid", pid);
        }
    }

    public SyntheticKernel Kernel { get; }

    public ulong Offset(string type, string member) => Kernel.Offset(type, member);

    private void Set(string type, ulong address, string member, ulong value) => Kernel.Set(type, address, member, value);

    private void Task(ulong address, int pid, int tgid, string comm, int cpu, ulong state, bool kthread, ulong parent, ulong leader, ulong signal)
    {
        // Only the first part of the task_struct is placed: the plugin must not read past what it uses.
        Kernel.Memory.Write(address, new byte[(int)Offset("struct task_struct", "signal") + 8]);
        Set("struct task_struct", address, "pid", (ulong)pid);
        Set("struct task_struct", address, "tgid", (ulong)tgid);
        Kernel.SetString("struct task_struct", address, "comm", comm);
        Set("struct task_struct", address, "thread_info.cpu", (ulong)cpu);
        Set("struct task_struct", address, "__state", state);
        Set("struct task_struct", address, "flags", kthread ? TaskInfo.PfKthread : 0x400000);
        Set("struct task_struct", address, "mm", kthread ? 0 : Mm);
        Set("struct task_struct", address, "real_parent", parent);
        Set("struct task_struct", address, "group_leader", leader);
        Set("struct task_struct", address, "signal", signal);
        Set("struct task_struct", address, "prio", 120);
    }
}
