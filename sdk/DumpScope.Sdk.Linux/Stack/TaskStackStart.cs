namespace DumpScope.Sdk.Linux.Stack;

/// <summary>Where a sleeping task's unwind starts (x86-64: the inactive_task_frame; arm64: thread.cpu_context).</summary>
public static class TaskStackStart
{
    /// <summary>
    /// A task that is not running: <c>task->thread.sp</c> points to the struct inactive_task_frame that
    /// __switch_to_asm pushed (callee-saved registers, then BP, then the return address into __schedule;
    /// commit 0100301bfdf5 "sched/x86: Rewrite the switch_to() code"). The first frame is that return address,
    /// the stack pointer the one above the frame. A new task's return address is ret_from_fork (or, since the
    /// C/asm split, ret_from_fork_asm): an exact address, not a return address.
    /// </summary>
    public static UnwindStart FromInactiveFrame(IKernel kernel, ulong task)
    {
        ulong sp = kernel.Object("struct task_struct", task)["thread.sp"].ReadPointer();
        var frameType = kernel.Types.FindType("struct inactive_task_frame")?.Resolve();
        ulong bpOffset = frameType?.HasMember("bp") == true ? frameType.FindMember("bp").Offset : 40;
        ulong retOffset = frameType?.HasMember("ret_addr") == true ? frameType.FindMember("ret_addr").Offset : 48;
        ulong size = frameType?.Size ?? 56;
        ulong bp = kernel.Memory.ReadU64(sp + bpOffset, "inactive_task_frame.bp");
        ulong ret = kernel.Memory.ReadU64(sp + retOffset, "inactive_task_frame.ret_addr");
        bool forked = IsSymbol(kernel, ret, "ret_from_fork") || IsSymbol(kernel, ret, "ret_from_fork_asm");
        return new UnwindStart(ret, sp + size, bp, sp + retOffset, IsReturnAddress: !forked, null, "thread.sp (inactive_task_frame)");
    }

    /// <summary>
    /// An arm64 task that is not running: cpu_switch_to saved its callee-saved registers, x29 (fp), sp and x30 (pc:
    /// the return address into __switch_to) in <c>task->thread.cpu_context</c>. A task that never ran has pc =
    /// ret_from_fork (copy_thread), an exact address, and fp at its final frame record.
    /// </summary>
    public static UnwindStart FromCpuContext(IKernel kernel, ulong task, Arm64StackLayout layout)
    {
        ulong context = task + layout.CpuContextOffset;
        ulong fp = kernel.Memory.ReadU64(context + layout.CpuContextFpOffset, "thread.cpu_context.fp");
        ulong sp = kernel.Memory.ReadU64(context + layout.CpuContextSpOffset, "thread.cpu_context.sp");
        ulong pc = layout.StripPac(kernel.Memory.ReadU64(context + layout.CpuContextPcOffset, "thread.cpu_context.pc"));
        bool forked = IsSymbol(kernel, pc, "ret_from_fork");
        return new UnwindStart(pc, sp, fp, sp, IsReturnAddress: !forked, null, "thread.cpu_context");
    }

    private static bool IsSymbol(IKernel kernel, ulong address, string name) =>
        kernel.Symbols.TryGetAddress(name, out var at) && at == address;
}
