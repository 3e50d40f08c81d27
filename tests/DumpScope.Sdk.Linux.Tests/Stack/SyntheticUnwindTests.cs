using DumpScope.Sdk.Linux.Stack;
using static DumpScope.Sdk.Linux.Tests.Stack.SyntheticStacks;

namespace DumpScope.Sdk.Linux.Tests.Stack;

/// <summary>The unwinder on made-up kernels: stack switches, a frame-pointer kernel, and corrupt stacks.</summary>
public sealed class SyntheticUnwindTests
{
    private static readonly UnwindOptions Defaults = new();

    [Theory]
    [InlineData(OrcLayout.TypeEnd)]
    [InlineData(OrcLayout.TypeEndSignal)]
    [InlineData(OrcLayout.TypeSignal)]
    public void An_interrupt_on_the_IRQ_stack_unwinds_through_the_switch_and_the_pt_regs_to_the_task(OrcLayout layout)
    {
        var s = new SyntheticStacks();
        ulong handler = s.Function("irq_handler", Leaf);
        // The IRQ-stack switch stores the task's stack pointer at the top of the IRQ stack: CFA = *(SP) + 8.
        ulong sw = s.Function("irq_stack_switch", new OrcEntry(8, 0, OrcRegister.SpIndirect, OrcRegister.Undefined, OrcFrameType.Call, false));
        ulong entry = s.Function("asm_irq_entry", new OrcEntry(0, 0, OrcRegister.Sp, OrcRegister.Undefined, OrcFrameType.Regs, false));
        ulong busy = s.Function("busy_loop", Leaf);
        ulong caller = s.Function("caller", Leaf);
        ulong start = s.Function("thread_start", End);
        s.WriteOrc(layout);

        ulong sp0 = IrqStack + Size - 0x100;
        ulong taskSp = TaskStack + Size - 0x400;
        ulong regsAt = taskSp + 8, interruptedSp = regsAt + 168 + 0x40;
        s.Word(sp0, s.ReturnInto(sw));
        s.Word(sp0 + 8, taskSp);
        s.Word(taskSp, s.ReturnInto(entry));
        s.Regs(regsAt, busy + 0x30, interruptedSp, bp: 0x1234);
        s.Word(interruptedSp, s.ReturnInto(caller));
        s.Word(interruptedSp + 8, s.ReturnInto(start));

        var unwinder = s.Unwinder(out var orc);
        // Without a signal bit set anywhere the two old layouts decode alike, and the probe says the older.
        orc!.Layout.Should().Be(layout == OrcLayout.TypeEndSignal ? OrcLayout.TypeEnd : layout, "the layout is probed from the entries");
        var trace = unwinder.Unwind(new UnwindStart(handler + 0x10, sp0, 0, sp0, false, null, "test"), [s.Task, s.Irq], Defaults);

        s.Names(trace).Should().Equal("irq_handler", "irq_stack_switch", "asm_irq_entry", "busy_loop", "caller", "thread_start");
        trace.End.Should().Be(UnwindEnd.EndOfStack, trace.Reason);
        trace.Frames[1].LeavesStack.Should().Be(s.Irq, "the switch frame is the last on the IRQ stack");
        trace.Frames[2].ExceptionRegisters!.Ip.Should().Be(busy + 0x30);
        trace.Frames[3].Ip.Should().Be(busy + 0x30, "the interrupted instruction itself, not a return address");
        trace.Frames[3].Symbol!.Value.Offset.Should().Be(0x30);
        trace.Frames[3].StackAddress.Should().Be(interruptedSp);
        trace.Frames.Should().OnlyContain(f => f.Reliable);
    }

    [Fact]
    public void An_exception_stack_with_an_iret_frame_returns_to_the_interrupted_task_stack()
    {
        var s = new SyntheticStacks();
        ulong handler = s.Function("exc_nmi", Leaf);
        // The NMI entry pushed only the hardware iret frame: CFA = SP + 16 points at it (REGS_PARTIAL).
        ulong entry = s.Function("asm_exc_nmi", new OrcEntry(16, 0, OrcRegister.Sp, OrcRegister.Undefined, OrcFrameType.RegsPartial, false));
        ulong idle = s.Function("native_safe_halt", Leaf);
        ulong top = s.Function("do_idle", End);
        s.WriteOrc();

        ulong sp0 = NmiStack + Size - 0x200;
        ulong iret = sp0 + 8 + 16;
        ulong taskSp = TaskStack + Size - 0x100;
        s.Word(sp0, s.ReturnInto(entry));
        s.Word(iret + 0, idle + 0xb);          // ip
        s.Word(iret + 8, 0x10);                // cs
        s.Word(iret + 16, 0x246);              // flags
        s.Word(iret + 24, taskSp);             // sp
        s.Word(iret + 32, 0x18);               // ss
        s.Word(taskSp, s.ReturnInto(top));

        var trace = s.Unwinder(out _).Unwind(new UnwindStart(handler + 4, sp0, 0, sp0, false, null, "test"), [s.Task, s.Nmi], Defaults);

        s.Names(trace).Should().Equal("exc_nmi", "asm_exc_nmi", "native_safe_halt", "do_idle");
        trace.Frames[1].ExceptionRegisters!.IsPartial.Should().BeTrue();
        trace.Frames[1].LeavesStack!.Name.Should().Be("NMI exception stack");
        trace.Frames[2].Stack.Should().Be(s.Task);
        trace.End.Should().Be(UnwindEnd.EndOfStack);
    }

    [Fact]
    public void A_system_call_ends_at_the_user_space_boundary_with_the_user_registers()
    {
        var s = new SyntheticStacks();
        ulong sched = s.Function("__schedule", Leaf);
        ulong syscall = s.Function("do_syscall_64", Leaf);
        ulong entry = s.Function("entry_SYSCALL_64_after_hwframe", new OrcEntry(0, 0, OrcRegister.Sp, OrcRegister.Undefined, OrcFrameType.Regs, false));
        s.WriteOrc();
        ulong sp0 = TaskStack + Size - PtRegs.Size - 0x30;
        s.Word(sp0, s.ReturnInto(syscall));
        s.Word(sp0 + 8, s.ReturnInto(entry));
        s.Regs(sp0 + 16, 0x401770, 0x7fffdf7be9f0, cs: 0x33);

        var trace = s.Unwinder(out _).Unwind(new UnwindStart(sched + 8, sp0, 0, sp0, false, null, "test"), [s.Task], Defaults);

        s.Names(trace).Should().Equal("__schedule", "do_syscall_64", "entry_SYSCALL_64_after_hwframe");
        trace.End.Should().Be(UnwindEnd.UserSpace);
        trace.UserRegisters!.Ip.Should().Be(0x401770);
        trace.UserRegisters.IsUserMode.Should().BeTrue();
    }

    [Fact]
    public void A_kernel_without_ORC_is_unwound_by_its_frame_pointer_chain()
    {
        var s = new SyntheticStacks();
        ulong a = s.Function("inner", Leaf), b = s.Function("middle", Leaf), c = s.Function("outer", Leaf);
        ulong bp0 = TaskStack + Size - 0x300, bp1 = bp0 + 0x40, bp2 = bp1 + 0x40;
        s.Word(bp0, bp1);
        s.Word(bp0 + 8, s.ReturnInto(b));
        s.Word(bp1, bp2);
        s.Word(bp1 + 8, s.ReturnInto(c));
        s.Word(bp2, 0);
        s.Word(bp2 + 8, s.ReturnInto(c, 0x60));

        var unwinder = s.Unwinder(out var orc);
        orc.Should().BeNull("the kernel has no ORC tables");
        var trace = unwinder.Unwind(new UnwindStart(a + 0x10, bp0 - 0x20, bp0, bp0 - 0x20, false, null, "test"), [s.Task], Defaults);

        trace.Method.Should().Be(UnwindMethod.FramePointer);
        s.Names(trace).Should().Equal("inner", "middle", "outer", "outer");
        trace.End.Should().Be(UnwindEnd.EndOfStack, trace.Reason);
        trace.Notes.Should().Contain(n => n.Contains("no ORC tables"));
    }

    [Fact]
    public void A_frame_pointer_kernel_thread_ends_at_the_pt_regs_copy_thread_left_at_the_top_of_its_stack()
    {
        // Since commit 6f9885a36c00 (5.9) copy_thread sets the new task's first frame pointer to
        // encode_frame_pointer(task_pt_regs) = regs + 1; a kernel thread's regs are zeroed (kernel mode, IP 0).
        var s = new SyntheticStacks();
        ulong a = s.Function("__schedule", Leaf), b = s.Function("kthread", Leaf), c = s.Function("ret_from_fork", Leaf);
        ulong regsAt = TaskStack + Size - (ulong)PtRegs.Size;
        ulong bp0 = regsAt - 0x100, bp1 = regsAt - 0x40;
        s.Word(bp0, bp1);
        s.Word(bp0 + 8, s.ReturnInto(b));
        s.Word(bp1, regsAt + 1);
        s.Word(bp1 + 8, s.ReturnInto(c));
        s.Regs(regsAt, 0, 0, cs: 0);

        var trace = s.Unwinder(out _).Unwind(new UnwindStart(a + 0x10, bp0 - 0x20, bp0, bp0 - 0x20, false, null, "test"), [s.Task], Defaults);

        s.Names(trace).Should().Equal("__schedule", "kthread", "ret_from_fork");
        trace.End.Should().Be(UnwindEnd.EndOfStack, trace.Reason);
        trace.IsComplete.Should().BeTrue();
    }

    [Fact]
    public void An_encoded_frame_pointer_below_the_top_of_the_stack_is_still_followed_into_its_pt_regs()
    {
        // An interrupt's entry code encodes its pt_regs the same way (ENCODE_FRAME_POINTER); only the top one ends.
        var s = new SyntheticStacks();
        ulong a = s.Function("handler", Leaf), busy = s.Function("busy_loop", Leaf), c = s.Function("outer", Leaf);
        ulong regsAt = TaskStack + Size - 0x800, bp0 = regsAt - 0x80, bpBusy = regsAt + (ulong)PtRegs.Size + 0x40;
        s.Word(bp0, regsAt + 1);
        s.Word(bp0 + 8, s.ReturnInto(a, 0x20));
        s.Regs(regsAt, busy + 0x30, bpBusy - 0x10, bp: bpBusy);
        s.Word(bpBusy, 0);
        s.Word(bpBusy + 8, s.ReturnInto(c));

        var trace = s.Unwinder(out _).Unwind(new UnwindStart(a + 0x10, bp0 - 0x20, bp0, bp0 - 0x20, false, null, "test"), [s.Task], Defaults);

        s.Names(trace).Should().Equal("handler", "handler", "busy_loop", "outer");
        trace.End.Should().Be(UnwindEnd.EndOfStack, trace.Reason);
    }

    [Fact]
    public void A_frame_pointer_loop_ends_the_trace_with_the_reason()
    {
        var s = new SyntheticStacks();
        ulong a = s.Function("inner", Leaf), b = s.Function("middle", Leaf);
        ulong bp0 = TaskStack + Size - 0x300;
        s.Word(bp0, bp0);
        s.Word(bp0 + 8, s.ReturnInto(b));

        var trace = s.Unwinder(out _).Unwind(new UnwindStart(a + 0x10, bp0 - 0x20, bp0, bp0 - 0x20, false, null, "test"), [s.Task], Defaults);

        trace.End.Should().Be(UnwindEnd.Loop);
        trace.Frames.Count.Should().BeLessThan(4);
    }

    [Fact]
    public void An_ORC_frame_that_does_not_move_the_stack_up_is_a_loop()
    {
        var s = new SyntheticStacks();
        ulong a = s.Function("inner", Leaf);
        // Bad unwind data: CFA = SP - 8, the "caller" sits below its callee.
        ulong b = s.Function("broken", new OrcEntry(-8, 0, OrcRegister.Sp, OrcRegister.Undefined, OrcFrameType.Call, false));
        s.WriteOrc();
        ulong sp0 = TaskStack + Size - 0x300;
        s.Word(sp0, s.ReturnInto(b));
        s.Word(sp0 - 8, s.ReturnInto(b, 0x40));

        var trace = s.Unwinder(out _).Unwind(new UnwindStart(a + 4, sp0, 0, sp0, false, null, "test"), [s.Task], Defaults);

        trace.End.Should().Be(UnwindEnd.Loop);
        trace.Reason.Should().Contain("wrong direction");
    }

    [Fact]
    public void A_return_address_slot_in_an_excluded_page_ends_the_trace_as_unreadable()
    {
        var s = new SyntheticStacks();
        ulong a = s.Function("inner", Leaf);
        ulong b = s.Function("big_frame", new OrcEntry(0x1008, 0, OrcRegister.Sp, OrcRegister.Undefined, OrcFrameType.Call, false));
        s.WriteOrc();
        ulong sp0 = TaskStack + 0x800;
        s.Word(sp0, s.ReturnInto(b));
        s.Kernel.Memory.Exclude(sp0 + 8 + 0x1000);

        var trace = s.Unwinder(out _).Unwind(new UnwindStart(a + 4, sp0, 0, sp0, false, null, "test"), [s.Task], Defaults);

        s.Names(trace).Should().Equal("inner", "big_frame");
        trace.End.Should().Be(UnwindEnd.Unreadable);
        trace.Reason.Should().Contain("page excluded");
    }

    [Fact]
    public void A_garbage_return_address_ends_the_trace_and_names_it()
    {
        var s = new SyntheticStacks();
        ulong a = s.Function("inner", Leaf), b = s.Function("middle", Leaf);
        s.WriteOrc();
        ulong sp0 = TaskStack + Size - 0x300;
        s.Word(sp0, s.ReturnInto(b));
        s.Word(sp0 + 8, 0xdeadbeefcafef00d);

        var trace = s.Unwinder(out _).Unwind(new UnwindStart(a + 4, sp0, 0, sp0, false, null, "test"), [s.Task], Defaults);

        trace.Frames.Select(f => f.Ip).Should().EndWith(0xdeadbeefcafef00d);
        trace.End.Should().Be(UnwindEnd.BadReturnAddress);
        trace.Reason.Should().Contain("deadbeefcafef00d");
    }

    [Fact]
    public void A_stack_pointer_off_every_stack_and_a_runaway_recursion_both_end_with_a_reason()
    {
        var s = new SyntheticStacks();
        ulong a = s.Function("recursive", Leaf);
        s.WriteOrc();
        ulong sp0 = TaskStack + 0x100;
        for (ulong at = sp0; at < TaskStack + Size; at += 8) s.Word(at, s.ReturnInto(a));
        var unwinder = s.Unwinder(out _);

        var limited = unwinder.Unwind(new UnwindStart(a + 4, sp0, 0, sp0, false, null, "test"), [s.Task], new UnwindOptions { MaxFrames = 50 });
        limited.End.Should().Be(UnwindEnd.FrameLimit);
        limited.Frames.Should().HaveCount(50);

        var outside = unwinder.Unwind(new UnwindStart(a + 4, 0xffff888000001000, 0, 0xffff888000001000, false, null, "test"), [s.Task], Defaults);
        outside.End.Should().Be(UnwindEnd.OutsideStack);
        outside.Frames.Should().ContainSingle();
    }

    [Fact]
    public void The_text_scan_finds_return_addresses_and_marks_every_frame_a_guess()
    {
        var s = new SyntheticStacks();
        ulong a = s.Function("inner", Leaf), b = s.Function("middle", Leaf), c = s.Function("outer", Leaf);
        s.WriteOrc();
        ulong sp0 = TaskStack + Size - 0x100;
        s.Word(sp0 + 0x10, s.ReturnInto(b));
        s.Word(sp0 + 0x18, 0xffff888012345678);
        s.Word(sp0 + 0x28, c + 0x11);          // text, but not after a call
        s.Word(sp0 + 0x40, s.ReturnInto(c));

        var trace = s.Unwinder(out _).Unwind(new UnwindStart(a + 4, sp0, 0, sp0, false, null, "test"), [s.Task], new UnwindOptions { Method = UnwindMethod.Guess });

        s.Names(trace).Should().Equal("inner", "middle", "outer");
        trace.Frames.Skip(1).Should().OnlyContain(f => !f.Reliable);
        trace.End.Should().Be(UnwindEnd.ScanComplete);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_start_without_unwind_data_resumes_at_the_first_return_address_that_unwinds(bool callTargetsTheFirstFunction)
    {
        // crash_setup_regs in __crash_kexec: no unwind data at the saved IP; panic's return address on the stack follows
        // "call __crash_kexec", a direct call to the first frame's function, which makes the resumed frame exact.
        var s = new SyntheticStacks();
        ulong a = s.Function("no_orc_here", new OrcEntry(0, 0, OrcRegister.Undefined, OrcRegister.Undefined, OrcFrameType.Undefined, false));
        ulong b = s.Function("caller", Leaf), c = s.Function("top", End);
        s.WriteOrc();
        ulong ret = s.ReturnInto(b);
        if (callTargetsTheFirstFunction) s.Kernel.Memory.Write(ret - 5, [0xe8, .. BitConverter.GetBytes((int)(a - ret))]);
        ulong sp0 = TaskStack + Size - 0x100;
        s.Word(sp0 + 0x18, ret);
        s.Word(sp0 + 0x20, s.ReturnInto(c));

        var trace = s.Unwinder(out _).Unwind(new UnwindStart(a + 4, sp0, 0, sp0, false, null, "test"), [s.Task], Defaults);

        s.Names(trace).Should().Equal("no_orc_here", "caller", "top");
        trace.Frames[1].Reliable.Should().Be(callTargetsTheFirstFunction, callTargetsTheFirstFunction ? "its call targets the first frame's function" : "found by scanning");
        trace.Frames[2].Reliable.Should().BeTrue();
        trace.End.Should().Be(UnwindEnd.EndOfStack);
        trace.Notes.Any(n => n.Contains("direct call", StringComparison.Ordinal)).Should().Be(callTargetsTheFirstFunction);
    }
}
