namespace DumpScope.Sdk.Linux.Stack;

/// <summary>Where a task's unwind starts.</summary>
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

    private static bool IsSymbol(IKernel kernel, ulong address, string name) =>
        kernel.Symbols.TryGetAddress(name, out var at) && at == address;
}
