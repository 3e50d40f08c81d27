namespace DumpScope.Sdk.Linux.Sched;

/// <summary>The per-cpu runqueues (<c>struct rq runqueues</c>, kernel/sched/sched.h): what runs on each CPU.</summary>
public static class Runqueues
{
    /// <summary>cpu_rq(cpu): CPU <paramref name="cpu"/>'s <c>struct rq</c>. Throws <see cref="TypeNotFoundException"/> without runqueues.</summary>
    public static KernelObject CpuRq(IKernel kernel, int cpu)
    {
        var layout = TaskStructLayout.Of(kernel);
        if (layout.Rq is null) throw new TypeNotFoundException("the kernel's types have no struct rq");
        if (!kernel.Symbols.TryGetAddress("runqueues", out var runqueues))
            throw new TypeNotFoundException($"the per-cpu variable runqueues is not in {kernel.Symbols.Source}");
        return new KernelObject(kernel, layout.Rq.Type, kernel.PerCpuPtr(runqueues, cpu));
    }

    /// <summary>
    /// cpu_curr(cpu): the task running on CPU <paramref name="cpu"/> when the dump was taken (<c>rq-&gt;curr</c>), as
    /// a <c>struct task_struct</c>. Throws <see cref="MemoryFaultException"/> when unreadable and
    /// <see cref="InvalidDataException"/> when the pointer is not a kernel address.
    /// </summary>
    public static KernelObject CpuCurr(IKernel kernel, int cpu) => Task(kernel, cpu, TaskStructLayout.Of(kernel).RqCurr, "curr");

    /// <summary>idle_task(cpu): CPU <paramref name="cpu"/>'s idle task (<c>rq-&gt;idle</c>, swapper/N; init_task on the boot CPU).</summary>
    public static KernelObject IdleTask(IKernel kernel, int cpu) => Task(kernel, cpu, TaskStructLayout.Of(kernel).RqIdle, "idle");

    private static KernelObject Task(IKernel kernel, int cpu, ProbedMember? member, string name)
    {
        if (member is null) throw new TypeNotFoundException($"struct rq has no member '{name}'");
        var rq = CpuRq(kernel, cpu);
        ulong task = rq.Member(member).ReadPointer();
        if (!KernelAddress.IsKernel(task)) throw new InvalidDataException($"runqueues[{cpu}].{name} holds {task:x}, not a kernel address");
        return new KernelObject(kernel, TaskStructLayout.Of(kernel).Task.Type, task);
    }
}
