using DumpScope.Sdk.Kernel;
using DumpScope.Sdk.Linux;
using DumpScope.Sdk.Linux.Lists;
using DumpScope.Sdk.Linux.PerCpu;
using DumpScope.Sdk.Memory;
using DumpScope.Sdk.Types;

namespace DumpScope.Plugins.Memory.Tasks;

/// <summary>
/// A small task walker for this plugin (vm PID, sys TASKS): the thread-group leaders on <c>init_task.tasks</c>,
/// each leader's threads on <c>signal-&gt;thread_head</c> linked by <c>thread_node</c> (3.x+; older kernels: the
/// circular <c>thread_group</c> list), and the idle tasks of the other CPUs from the per-cpu
/// <c>runqueues.idle</c> (they are on no list). Every list walk is bounded and cycle-aware.
/// </summary>
public static class TaskWalker
{
    /// <summary>Most tasks walked on one list.</summary>
    public const int MaxTasks = 4_194_304;

    /// <summary>Walks every task.</summary>
    public static TaskList Walk(IKernel kernel, CancellationToken cancellation = default)
    {
        var taskType = kernel.Types.Require("struct task_struct");
        var task = taskType.Resolve();
        var init = kernel.Global("init_task", "struct task_struct");
        var problems = new List<string>();
        var found = new List<TaskInfo>();
        var seen = new HashSet<ulong>();

        void Add(ulong address, bool idle)
        {
            if (!seen.Add(address)) return;
            try
            {
                var t = new KernelObject(kernel, taskType, address);
                found.Add(new TaskInfo(address, (int)t["pid"].ReadSigned(), (int)t["tgid"].ReadSigned(), t["comm"].ReadString(16), t["mm"].ReadPointer(), idle));
            }
            catch (MemoryFaultException e)
            {
                problems.Add($"task {address:x}: {e.Fault.Message}");
            }
        }

        Add(init.Address, idle: false);
        var leaders = kernel.ListForEachEntry(init["tasks"].Address, "struct task_struct", "tasks", MaxTasks, cancellation);
        if (!leaders.IsComplete) problems.Add($"init_task.tasks: {leaders.Problem}");
        bool threadHead = task.HasMember("thread_node") && kernel.Types.FindType("struct signal_struct")?.Resolve().HasMember("thread_head") == true;
        foreach (var leader in leaders.Items.Prepend(init))
        {
            cancellation.ThrowIfCancellationRequested();
            Add(leader.Address, idle: false);
            WalkResult<KernelObject> threads;
            try
            {
                if (threadHead)
                {
                    ulong signal = leader["signal"].ReadPointer();
                    if (signal == 0) continue;
                    var head = new KernelObject(kernel, kernel.Types.Require("struct signal_struct"), signal)["thread_head"].Address;
                    threads = kernel.ListForEachEntry(head, "struct task_struct", "thread_node", MaxTasks, cancellation);
                }
                else threads = kernel.ListForEachEntry(leader["thread_group"].Address, "struct task_struct", "thread_group", MaxTasks, cancellation);
            }
            catch (MemoryFaultException e)
            {
                problems.Add($"threads of task {leader.Address:x}: {e.Fault.Message}");
                continue;
            }
            if (!threads.IsComplete) problems.Add($"threads of task {leader.Address:x}: {threads.Problem}");
            foreach (var thread in threads.Items) Add(thread.Address, idle: false);
        }

        // The idle tasks of CPUs other than 0 are not linked anywhere but their runqueue.
        if (kernel.Symbols.TryGetAddress("runqueues", out var runqueues) && kernel.Types.FindType("struct rq") is { } rq && rq.Resolve().HasMember("idle"))
        {
            foreach (int cpu in kernel.ForEachPossibleCpu())
            {
                try
                {
                    ulong idle = kernel.PerCpu(rq, runqueues, cpu)["idle"].ReadPointer();
                    if (idle != 0) Add(idle, idle: idle != init.Address);
                }
                catch (MemoryFaultException e)
                {
                    problems.Add($"runqueues of cpu {cpu}: {e.Fault.Message}");
                }
            }
        }
        return new TaskList(found, problems);
    }

    /// <summary>Finds the task with a pid (thread id), or null.</summary>
    public static TaskInfo? Find(IKernel kernel, int pid, CancellationToken cancellation = default) =>
        Walk(kernel, cancellation).Tasks.FirstOrDefault(t => t.Pid == pid && (pid != 0 || !t.IsIdle));
}
