using DumpScope.Sdk.Linux.Pid;

namespace DumpScope.Sdk.Linux.Sched;

/// <summary>
/// Tasks (include/linux/sched/signal.h, sched.h): every task, a group's threads, a task by pid, and the members
/// of a task everyone reads. Tasks are <see cref="KernelObject"/>s of type <c>struct task_struct</c>.
/// </summary>
public static class KernelTasks
{
    /// <summary>PID_MAX_LIMIT on 64-bit: no pid is larger.</summary>
    public const int PidMaxLimit = 4 * 1024 * 1024;

    /// <summary>Most tasks walked: PID_MAX_LIMIT plus one idle task per CPU of NR_CPUS=8192.</summary>
    public const int MaxTasks = PidMaxLimit + 8192;

    /// <summary>PF_KTHREAD: the task is a kernel thread (stable since 2.6.27).</summary>
    public const ulong PfKthread = 0x00200000;

    /// <summary>
    /// for_each_process_thread plus the idle tasks: init_task, every group leader on <c>init_task.tasks</c> with all
    /// its threads (<see cref="ForEachThread"/>), and the idle tasks of the other present CPUs, which are on no
    /// list (<c>runqueues.idle</c>): an online CPU's, and an unplugged CPU's, parked in it. A possible CPU that is
    /// not present (an empty hot-plug slot) has an idle task too, forked at boot for every possible CPU, that never
    /// ran: it is left out, as crash leaves it out. Each task once. Bounded and cycle-aware; a damaged list ends that list only, and
    /// the result names the first walk that did not complete.
    /// </summary>
    public static WalkResult<KernelObject> ForEachTask(IKernel kernel, CancellationToken cancellation = default)
    {
        var layout = TaskStructLayout.Of(kernel);
        var init = InitTask(kernel);
        var seen = new HashSet<ulong>();
        var tasks = new List<KernelObject>();
        var end = WalkEnd.Completed;
        string? problem = null;
        void Note(WalkEnd kind, string? text)
        {
            if (kind == WalkEnd.Completed || problem is not null) return;
            end = kind;
            problem = text;
        }
        bool Add(ulong address)
        {
            if (!seen.Add(address)) return true;
            if (tasks.Count >= MaxTasks)
            {
                Note(WalkEnd.BoundReached, $"stopped after {MaxTasks} tasks");
                return false;
            }
            tasks.Add(new KernelObject(kernel, layout.Task.Type, address));
            return true;
        }

        var leaders = KernelLists.ListForEach(kernel.Memory, init.Address + layout.Tasks.Offset, MaxTasks, cancellation);
        if (leaders.End == WalkEnd.Cancelled) return new(tasks, WalkEnd.Cancelled, "cancelled");
        Note(leaders.End, leaders.Problem is null ? null : $"init_task.tasks: {leaders.Problem}");
        foreach (var leader in leaders.Items.Select(n => n - layout.Tasks.Offset).Prepend(init.Address))
        {
            if (cancellation.IsCancellationRequested) return new(tasks, WalkEnd.Cancelled, "cancelled");
            if (!Add(leader)) return new(tasks, end, problem);
            var threads = ForEachThread(new KernelObject(kernel, layout.Task.Type, leader), cancellation);
            if (threads.End == WalkEnd.Cancelled) return new(tasks, WalkEnd.Cancelled, "cancelled");
            Note(threads.End, threads.Problem);
            foreach (var thread in threads.Items)
                if (!Add(thread.Address)) return new(tasks, end, problem);
        }
        if (layout.RqIdle is not null && kernel.HasSymbol("runqueues"))
        {
            foreach (int cpu in kernel.ForEachPresentCpu())
            {
                try
                {
                    if (!Add(Runqueues.IdleTask(kernel, cpu).Address)) break;
                }
                catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
                {
                    Note(WalkEnd.Fault, $"runqueues[{cpu}].idle: {KernelDataErrors.Reason(e)}");
                }
            }
        }
        return new(tasks, end, problem);
    }

    /// <summary>
    /// for_each_thread: every thread of <paramref name="task"/>'s thread group, the leader included — the list
    /// <c>signal-&gt;thread_head</c> linked by <c>thread_node</c>, or on kernels without it the ring
    /// <c>thread_group</c> through the task itself.
    /// </summary>
    public static WalkResult<KernelObject> ForEachThread(KernelObject task, CancellationToken cancellation = default)
    {
        var kernel = task.Kernel;
        var layout = TaskStructLayout.Of(kernel);
        if (layout.SignalThreadHead is { } head && layout.ThreadNode is { } node && layout.SignalPointer is { } signalMember)
        {
            if (!task.Member(signalMember).TryReadUnsigned(out var signal, out var fault))
                return new([], WalkEnd.Fault, $"signal of task {task.Address:x}: {fault!.Message}");
            if (signal == 0) return new([task], WalkEnd.Completed, null);
            if (!KernelAddress.IsKernel(signal)) return new([task], WalkEnd.CorruptLink, $"signal of task {task.Address:x} is {signal:x}, not a kernel address");
            var walk = KernelLists.ListForEach(kernel.Memory, signal + head.Offset, MaxTasks, cancellation);
            var threads = walk.Select(n => new KernelObject(kernel, layout.Task.Type, n - node.Offset));
            return walk.IsComplete ? threads : new(threads.Items, walk.End, $"signal->thread_head of task {task.Address:x}: {walk.Problem}");
        }
        if (layout.ThreadGroup is { } group)
        {
            var walk = KernelLists.ListForEach(kernel.Memory, task.Address + group.Offset, MaxTasks, cancellation);
            var threads = walk.Items.Select(n => new KernelObject(kernel, layout.Task.Type, n - group.Offset)).Prepend(task).ToArray();
            return new(threads, walk.End, walk.Problem is null ? null : $"thread_group of task {task.Address:x}: {walk.Problem}");
        }
        return new([task], WalkEnd.Completed, null);
    }

    /// <summary>
    /// find_task_by_pid_ns(pid, &amp;init_pid_ns): the task with thread id <paramref name="pid"/> in the initial PID
    /// namespace, or null. Pid 0 is init_task (the idle tasks share it). See <see cref="Pids.FindPid"/> for the lookup.
    /// </summary>
    public static KernelObject? FindTask(IKernel kernel, int pid)
    {
        if (pid == 0) return InitTask(kernel);
        ulong structPid = Pids.FindPid(kernel, pid);
        return structPid == 0 ? null : Pids.PidTask(kernel, structPid, Pids.PidTypePid);
    }

    /// <summary>
    /// task->nsproxy, the namespaces a task sees (its mount, network, … namespace pointers). Throws
    /// <see cref="InvalidDataException"/> when the task has none (it has exited: exit_task_namespaces clears it) or the
    /// pointer is not a kernel address.
    /// </summary>
    public static KernelObject TaskNsproxy(KernelObject task)
    {
        ulong nsproxy = task["nsproxy"].ReadPointer();
        if (nsproxy == 0) throw new InvalidDataException($"task {task.Address:x} has no nsproxy (it has exited)");
        if (!KernelAddress.IsKernel(nsproxy)) throw new InvalidDataException($"task {task.Address:x}: nsproxy pointer {nsproxy:x} is not a kernel address");
        return task.Kernel.Object("struct nsproxy", nsproxy);
    }

    /// <summary>&amp;init_task: the boot CPU's idle task (pid 0, swapper/0), head of the task list.</summary>
    public static KernelObject InitTask(IKernel kernel) =>
        new(kernel, TaskStructLayout.Of(kernel).Task.Type, kernel.Symbols.TryGetAddress("init_task", out var init)
            ? init : throw new TypeNotFoundException($"init_task is not in {kernel.Symbols.Source}"));

    /// <summary>task_pid_nr: the task's pid (thread id).</summary>
    public static int TaskPid(KernelObject task) => (int)task.Member(TaskStructLayout.Of(task.Kernel).Pid).ReadSigned();

    /// <summary>task_tgid_nr: the task's thread-group id (process id).</summary>
    public static int TaskTgid(KernelObject task) => (int)task.Member(TaskStructLayout.Of(task.Kernel).Tgid).ReadSigned();

    /// <summary>get_task_comm: the task's command name.</summary>
    public static string TaskComm(KernelObject task) => task.Member(TaskStructLayout.Of(task.Kernel).Comm).ReadString(64);

    /// <summary>task->real_parent (task->parent on kernels without it), as a task.</summary>
    public static KernelObject TaskParent(KernelObject task)
    {
        var layout = TaskStructLayout.Of(task.Kernel);
        var member = layout.RealParent ?? throw new TypeNotFoundException("struct task_struct has neither real_parent nor parent");
        return new KernelObject(task.Kernel, layout.Task.Type, task.Member(member).ReadPointer());
    }

    /// <summary>task_ppid_nr: the tgid of the task's real parent as /proc shows it (0 for init_task, its own parent).</summary>
    public static int TaskPpid(KernelObject task)
    {
        var parent = TaskParent(task);
        return parent.Address == task.Address ? 0 : TaskTgid(parent);
    }

    /// <summary>task_cpu: the CPU the task runs or last ran on (thread_info.cpu or cpu).</summary>
    public static int TaskCpu(KernelObject task) =>
        (int)task.Member(TaskStructLayout.Of(task.Kernel).Cpu ?? throw new TypeNotFoundException("struct task_struct has no cpu")).ReadUnsigned();

    /// <summary>task_stack_page: task->stack, the lowest address of the task's kernel stack.</summary>
    public static ulong TaskStack(KernelObject task) =>
        task.Member(TaskStructLayout.Of(task.Kernel).Stack ?? throw new TypeNotFoundException("struct task_struct has no stack")).ReadPointer();

    /// <summary>task->thread.sp: the kernel stack pointer saved when the task was switched out (x86-64).</summary>
    public static ulong TaskThreadSp(KernelObject task) =>
        task.Member(TaskStructLayout.Of(task.Kernel).ThreadSp ?? throw new TypeNotFoundException("struct task_struct has no thread.sp")).ReadUnsigned();

    /// <summary>
    /// task_state_index / task_state_to_char: the task's state (letter, the kernel's name, crash's code) from its
    /// state word (<c>__state</c> or <c>state</c>) and <c>exit_state</c>, named by the kernel's task_state_array.
    /// </summary>
    public static TaskState TaskStateOf(KernelObject task)
    {
        var layout = TaskStructLayout.Of(task.Kernel);
        ulong state = task.Member(layout.State).ReadUnsigned();
        long exit = layout.ExitState is { } e ? task.Member(e).ReadInteger() : 0;
        return TaskStateDecoder.FromKernel(task.Kernel).Decode(state, exit);
    }

    /// <summary>True for a kernel thread (PF_KTHREAD; pid 0 is the idle task, also a kernel thread).</summary>
    public static bool IsKernelThread(KernelObject task)
    {
        var layout = TaskStructLayout.Of(task.Kernel);
        if (layout.Flags is { } flags) return (task.Member(flags).ReadUnsigned() & PfKthread) != 0 || TaskPid(task) == 0;
        return layout.Mm is { } mm && task.Member(mm).ReadPointer() == 0;
    }
}
