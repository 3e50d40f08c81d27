namespace DumpScope.Sdk.Linux.Tests.Sched;

/// <summary>
/// A small synthetic kernel of tasks in the layout of one era: init_task (swapper/0), the idle task of CPU 1,
/// init (pid 1, stopped), and "server" (pid 10) with threads 11 (running on CPU 0) and 12 (in D state), linked as the
/// kernel links them (init_task.tasks, signal-&gt;thread_head or thread_group, runqueues), and the initial PID
/// namespace as an idr over an xarray (4.15+) or, with <c>pidHash</c>, as the older pid_hash.
/// </summary>
internal sealed class TaskWorld
{
    public const ulong InitTask = 0xffff_8880_0100_0000;
    public const ulong Idle1 = 0xffff_8880_0101_0000;
    public const ulong Init = 0xffff_8880_0102_0000;
    public const ulong Server = 0xffff_8880_0103_0000;
    public const ulong Thread11 = 0xffff_8880_0104_0000;
    public const ulong Thread12 = 0xffff_8880_0105_0000;
    public const ulong Runqueues = 0xffff_9000_0000_0000;
    private const ulong Signals = 0xffff_8880_0200_0000;
    private const ulong PidNs = 0xffff_8880_0300_0000;
    private const ulong XaNode = 0xffff_8880_0301_0000;
    private const ulong PidHashTable = 0xffff_8880_0302_0000;
    private const ulong PidHashPointer = 0xffff_8880_0303_0000;
    private const ulong PidHashShift = 0xffff_8880_0303_0100;
    private const ulong Pids = 0xffff_8880_0310_0000;
    public const ulong Stack = 0xffff_c900_0000_0000;

    /// <param name="oldState">task_struct.state instead of __state (before 5.14).</param>
    /// <param name="threadGroup">the thread_group ring instead of signal->thread_head (before 3.14 / after 6.7 only thread_head).</param>
    /// <param name="pidHash">pid_hash instead of pid_namespace.idr (before 4.15), pids[].node instead of pid_links[].</param>
    public TaskWorld(bool oldState = false, bool threadGroup = false, bool pidHash = false)
    {
        var k = Kernel = new SyntheticKernel(SyntheticTypes.WithListTypes(), nrCpuIds: 2);
        k.Struct("struct thread_info", ("flags", k.T("unsigned long")), ("cpu", k.T("unsigned int")));
        k.Struct("struct thread_struct", ("sp", k.T("unsigned long")));
        if (pidHash) k.Struct("struct pid_link", ("node", k.T("struct hlist_node")), ("pid", k.Ptr("struct pid")));
        var members = new List<(string, Sdk.Types.KernelType)>
        {
            ("thread_info", k.T("struct thread_info")),
            (oldState ? "state" : "__state", k.T(oldState ? "long" : "unsigned int")),
            ("stack", k.Ptr("void")),
            ("flags", k.T("unsigned int")),
            ("tasks", k.T("struct list_head")),
            ("mm", k.Ptr("struct mm_struct")),
            ("exit_state", k.T("int")),
            ("pid", k.T("int")),
            ("tgid", k.T("int")),
            ("real_parent", k.Ptr("struct task_struct")),
            ("group_leader", k.Ptr("struct task_struct")),
            (pidHash ? "pids" : "pid_links", pidHash ? k.Array("struct pid_link", 3) : k.Array("struct hlist_node", 4)),
            (threadGroup ? "thread_group" : "thread_node", k.T("struct list_head")),
            ("comm", k.Array("char", 16)),
            ("signal", k.Ptr("struct signal_struct")),
            ("thread", k.T("struct thread_struct")),
        };
        k.Struct("struct task_struct", members.ToArray());
        k.Struct("struct signal_struct", ("nr_threads", k.T("int")), ("thread_head", k.T("struct list_head")));
        k.Struct("struct rq", ("nr_running", k.T("unsigned int")), ("curr", k.Ptr("struct task_struct")), ("idle", k.Ptr("struct task_struct")));
        k.Struct("struct xarray", ("xa_lock", k.T("int")), ("xa_flags", k.T("unsigned int")), ("xa_head", k.Ptr("void")));
        k.Struct("struct xa_node", ("shift", k.T("unsigned char")), ("offset", k.T("unsigned char")), ("slots", k.Array("unsigned long", 64)));
        k.Struct("struct idr", ("idr_rt", k.T("struct xarray")), ("idr_base", k.T("unsigned int")), ("idr_next", k.T("unsigned int")));
        if (pidHash)
        {
            k.Struct("struct upid", ("nr", k.T("int")), ("ns", k.Ptr("struct pid_namespace")), ("pid_chain", k.T("struct hlist_node")));
            k.Struct("struct pid_namespace", ("kref", k.T("int")), ("level", k.T("unsigned int")));
        }
        else
        {
            k.Struct("struct upid", ("nr", k.T("int")), ("ns", k.Ptr("struct pid_namespace")));
            k.Struct("struct pid_namespace", ("idr", k.T("struct idr")), ("level", k.T("unsigned int")));
        }
        k.Struct("struct pid", ("count", k.T("int")), ("level", k.T("unsigned int")), ("tasks", k.Array("struct hlist_head", 3)), ("numbers", k.Array("struct upid", 1)));
        k.Symbols.Add("init_task", InitTask);
        k.Symbols.Add("runqueues", Runqueues);
        k.Symbols.Add("init_pid_ns", PidNs);
        StateMember = oldState ? "state" : "__state";

        Task(InitTask, 0, 0, "swapper/0", 0, state: 0, parent: InitTask, signal: Signals);
        Task(Idle1, 0, 0, "swapper/1", 1, state: 0, parent: InitTask, signal: Signals);
        Task(Init, 1, 1, "init", 1, state: 4, parent: InitTask, signal: Signals + 0x100);
        Task(Server, 10, 10, "server", 1, state: 1, parent: Init, signal: Signals + 0x200);
        Task(Thread11, 11, 10, "server-io", 0, state: 0, parent: Init, signal: Signals + 0x200);
        Task(Thread12, 12, 10, "server-io", 1, state: 2, parent: Init, signal: Signals + 0x200);

        ulong tasks = k.Offset("struct task_struct", "tasks");
        Kernel.Memory.LinkRing(tasks, InitTask, Init, Server);
        if (threadGroup)
        {
            ulong group = k.Offset("struct task_struct", "thread_group");
            Kernel.Memory.LinkRing(group, Server, Thread11, Thread12);
            foreach (var single in new[] { InitTask, Idle1, Init }) Kernel.Memory.LinkRing(group, single);
        }
        else
        {
            ulong head = k.Offset("struct signal_struct", "thread_head"), node = k.Offset("struct task_struct", "thread_node");
            Kernel.Memory.LinkObjects(Signals + head, node, InitTask);
            Kernel.Memory.LinkObjects(Signals + 0x100 + head, node, Init);
            Kernel.Memory.LinkObjects(Signals + 0x200 + head, node, Server, Thread11, Thread12);
        }
        foreach (var (cpu, curr, idle) in new[] { (0, Thread11, InitTask), (1, Idle1, Idle1) })
        {
            ulong rq = Runqueues + k.PerCpuOffset(cpu);
            k.Zero("struct rq", rq);
            k.Set("struct rq", rq, "curr", curr);
            k.Set("struct rq", rq, "idle", idle);
        }

        k.Zero("struct pid_namespace", PidNs);
        ulong link = k.Offset("struct task_struct", pidHash ? "pids[0].node" : "pid_links[0]");
        var pids = new[] { (1, Init), (10, Server), (11, Thread11), (12, Thread12) };
        foreach (var (nr, task) in pids)
        {
            ulong pid = PidAddress(nr);
            k.Zero("struct pid", pid);
            k.Set("struct pid", pid, "tasks[0].first", task + link);
            k.Set("struct pid", pid, "numbers[0].nr", (ulong)nr);
            k.Set("struct pid", pid, "numbers[0].ns", PidNs);
            k.Memory.Write(task + link, new byte[16]);
        }
        if (pidHash)
        {
            // Two buckets; the chains need not follow the kernel's hash: the helper searches every bucket.
            k.Symbols.Add("pid_hash", PidHashPointer);
            k.Symbols.Add("pidhash_shift", PidHashShift);
            k.Memory.WriteU64(PidHashPointer, PidHashTable);
            k.Memory.Write(PidHashShift, BitConverter.GetBytes(1u));
            ulong chain = k.Offset("struct pid", "numbers") + k.Offset("struct upid", "pid_chain");
            k.Memory.WriteU64(PidHashTable, PidAddress(1) + chain);
            k.Memory.WriteU64(PidAddress(1) + chain, PidAddress(11) + chain);
            k.Memory.WriteU64(PidHashTable + 8, PidAddress(10) + chain);
            k.Memory.WriteU64(PidAddress(10) + chain, PidAddress(12) + chain);
        }
        else
        {
            k.Set("struct pid_namespace", PidNs, "idr.idr_rt.xa_head", XaNode | 2);
            k.Zero("struct xa_node", XaNode);
            foreach (var (nr, _) in pids) k.Set("struct xa_node", XaNode, $"slots[{nr}]", PidAddress(nr));
        }
    }

    public SyntheticKernel Kernel { get; }

    public string StateMember { get; }

    public static ulong PidAddress(int nr) => Pids + (ulong)nr * 0x100;

    private void Task(ulong address, int pid, int tgid, string comm, int cpu, ulong state, ulong parent, ulong signal)
    {
        var k = Kernel;
        k.Zero("struct task_struct", address);
        k.Set("struct task_struct", address, "pid", (ulong)pid);
        k.Set("struct task_struct", address, "tgid", (ulong)tgid);
        k.SetString("struct task_struct", address, "comm", comm);
        k.Set("struct task_struct", address, "thread_info.cpu", (ulong)cpu);
        k.Set("struct task_struct", address, StateMemberOf(k), state);
        k.Set("struct task_struct", address, "real_parent", parent);
        k.Set("struct task_struct", address, "signal", signal);
        k.Set("struct task_struct", address, "stack", Stack + (ulong)pid * 0x4000);
        k.Set("struct task_struct", address, "thread.sp", Stack + (ulong)pid * 0x4000 + 0x3f00);
        k.Set("struct task_struct", address, "flags", pid is 0 ? 0x00200000UL : 0x400000UL);
    }

    private static string StateMemberOf(SyntheticKernel k) => k.T("struct task_struct").HasMember("__state") ? "__state" : "state";
}
