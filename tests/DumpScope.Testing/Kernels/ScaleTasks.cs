namespace DumpScope.Testing.Kernels;

/// <summary>
/// Many tasks in a <see cref="SyntheticKernel"/> over the 6.1 types (<see cref="Types.ReferenceTypes"/>), for ps at
/// scale: init_task (swapper/0) and swapper/1, then processes of <see cref="ThreadsPerProcess"/> threads each
/// (pids from 100 on) with their own mm and signal_struct, leaders on init_task.tasks and every thread on its
/// signal->thread_head; per-cpu runqueues whose curr and idle are the swappers, panic_cpu 0. Each task gets one
/// <see cref="Stride"/> slot in the direct map, holding the task_struct up to and including signal (what ps
/// reads); a leader's slot also holds its mm_struct and signal_struct. <see cref="Build"/> returns the tasks.
/// </summary>
public static class ScaleTasks
{
    /// <summary>Threads per process (the leader included).</summary>
    public const int ThreadsPerProcess = 4;

    /// <summary>Bytes of direct map per task.</summary>
    public const ulong Stride = 0x2000;

    private const ulong MmAt = 0x1000, SignalAt = 0x1800;

    /// <summary>
    /// Places <paramref name="count"/> tasks (the two swappers included) from direct-map frame
    /// <paramref name="firstFrame"/> on and returns the frame after them. Globals (init_task's symbol,
    /// runqueues, panic_cpu, _totalram_pages) are named in the kernel's symbols; runqueues is a per-cpu
    /// variable at <paramref name="runqueues"/>.
    /// </summary>
    public static ulong Build(SyntheticKernel kernel, int count, ulong firstFrame, ulong globals, ulong runqueues, ulong totalRamPages)
    {
        var m = kernel.Memory;
        var task = kernel.T("struct task_struct").Resolve();
        ulong placed = task.FindMember("signal").Offset + 8;
        ulong Off(string member) => task.FindMember(member).Offset;
        ulong pid = Off("pid"), tgid = Off("tgid"), comm = Off("comm"), cpu = Off("thread_info.cpu"), state = Off("__state"), flags = Off("flags"),
            mm = Off("mm"), parent = Off("real_parent"), leader = Off("group_leader"), signal = Off("signal"), prio = Off("prio"),
            tasks = Off("tasks"), threadNode = Off("thread_node");
        ulong threadHead = kernel.Offset("struct signal_struct", "thread_head");
        ulong mmPlaced = Math.Max(kernel.Offset("struct mm_struct", "total_vm"), kernel.Offset("struct mm_struct", "rss_stat")) + 64;
        if (placed > MmAt || MmAt + mmPlaced > SignalAt || SignalAt + threadHead + 16 > Stride)
            throw new InvalidOperationException($"task_struct up to signal ({placed} bytes) and the mm and signal_struct do not fit a {Stride:#x} slot");

        ulong Slot(int index) => SyntheticKernel.DirectMap + firstFrame * 4096 + (ulong)index * Stride;
        ulong initTask = Slot(0);
        kernel.Symbols.Add("init_task", initTask);
        var leaders = new List<ulong> { initTask };
        var threads = new List<ulong>();
        Place(0, 0, 0, "swapper/0", 0, 0, kthread: true, leaderOf: initTask);
        Place(1, 0, 0, "swapper/1", 1, 0, kthread: true, leaderOf: Slot(1));
        m.LinkObjects(initTask + SignalAt + threadHead, threadNode, initTask);
        m.LinkObjects(Slot(1) + SignalAt + threadHead, threadNode, Slot(1));
        for (int i = 2; i < count;)
        {
            int first = i, n = Math.Min(ThreadsPerProcess, count - i);
            int tgidValue = 100 + (first - 2);
            threads.Clear();
            for (int t = 0; t < n; t++, i++)
            {
                // States cycle running, sleeping, uninterruptible; comm names the process.
                Place(i, tgidValue + t, tgidValue, t == 0 ? $"proc-{tgidValue}" : $"proc-{tgidValue}-t{t}", i % 2, (ulong)(i % 3 == 0 ? 0 : i % 3 == 1 ? 1 : 2),
                    kthread: false, leaderOf: Slot(first));
                threads.Add(Slot(i));
            }
            ulong leaderSlot = Slot(first);
            m.LinkObjects(leaderSlot + SignalAt + threadHead, threadNode, [.. threads]);
            kernel.Set("struct mm_struct", leaderSlot + MmAt, "total_vm", (ulong)(1000 + first));
            for (int c = 0; c < 4; c++) kernel.Set("struct mm_struct", leaderSlot + MmAt, $"rss_stat.count[{c}].counter", (ulong)(c + 1) * 10);
            leaders.Add(leaderSlot);
        }
        m.LinkRing(tasks, [.. leaders]);

        foreach (var (c, self) in new[] { (0, initTask), (1, Slot(1)) })
        {
            ulong rq = runqueues + kernel.PerCpuOffset(c);
            kernel.Zero("struct rq", rq);
            kernel.Set("struct rq", rq, "curr", self);
            kernel.Set("struct rq", rq, "idle", self);
        }
        kernel.Symbols.Add("runqueues", runqueues);
        kernel.Global("panic_cpu", globals, 0);
        kernel.Global("_totalram_pages", globals + 8, totalRamPages);
        return firstFrame + (ulong)count * (Stride / 4096);

        void Place(int index, int pidValue, int tgidValue, string name, int onCpu, ulong taskState, bool kthread, ulong leaderOf)
        {
            ulong at = Slot(index);
            m.Write(at, new byte[placed]);
            m.WriteU32(at + pid, (uint)pidValue);
            m.WriteU32(at + tgid, (uint)tgidValue);
            m.Write(at + comm, Encoding.ASCII.GetBytes(name.Length > 15 ? name[..15] + "\0" : name + "\0"));
            m.WriteU32(at + cpu, (uint)onCpu);
            m.WriteU32(at + state, (uint)taskState);
            m.WriteU32(at + flags, kthread ? 0x00200000u : 0x00400000u);   // PF_KTHREAD, PF_FORKNOEXEC
            m.WriteU64(at + mm, kthread ? 0 : leaderOf + MmAt);
            m.WriteU64(at + parent, initTask);
            m.WriteU64(at + leader, leaderOf);
            m.WriteU64(at + signal, leaderOf + SignalAt);
            m.WriteU32(at + prio, 120);
        }
    }
}
