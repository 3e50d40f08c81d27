using DumpScope.Sdk.Linux.Stack;
using static DumpScope.Sdk.Linux.Tests.Stack.SyntheticArm64Stacks;

namespace DumpScope.Sdk.Linux.Tests.Stack;

/// <summary>The arm64 frame-record unwinder on made-up stacks: PAC, exception frames, stack switches, corrupt chains.</summary>
public sealed class Arm64UnwindTests
{
    private static readonly UnwindOptions Defaults = new();
    private const ulong El1h = 0x3c5, El0t = 0x80001000;

    [Fact]
    public void A_system_call_unwinds_record_by_record_with_the_PAC_stripped_to_the_user_registers()
    {
        var s = new SyntheticArm64Stacks();
        ulong crash = s.Function("__crash_kexec"), panic = s.Function("panic"), write = s.Function("ksys_write");
        ulong sync = s.Function("el0t_64_sync", entry: true);
        ulong final = FinalRecord(Layout);
        ulong r1 = TaskStack + 0x3000, r2 = r1 + 0x60, r3 = r2 + 0x80;
        s.Record(r1, r2, Signed(panic));
        s.Record(r2, r3, Signed(write, 0x44));
        s.Record(r3, final, Signed(sync, 0x18c));
        s.Regs(final - Layout.StackFrameOffset, pc: 0x0000aaaad0001234, sp: 0x0000fffff0000000, fp: 0x0000fffff0000040, pstate: El0t);

        var trace = s.Unwinder().Unwind(new UnwindStart(crash + 0x10, r1 - 0x20, r1, r1 - 0x20, false, null, "test"), [s.Task], Defaults);

        Names(trace).Should().Equal("__crash_kexec", "panic", "ksys_write", "el0t_64_sync");
        trace.Frames.Skip(1).Select(f => f.Ip).Should().Equal(panic + 0x20, write + 0x44, sync + 0x18c);
        trace.Frames[0].IsReturnAddress.Should().BeFalse("the first frame is the PC itself");
        trace.Frames.Skip(1).Should().OnlyContain(f => f.IsReturnAddress);
        trace.Frames[1].StackAddress.Should().Be(r1, "a frame's stack address is its frame record");
        trace.End.Should().Be(UnwindEnd.UserSpace);
        trace.UserRegisters.Should().BeOfType<Arm64PtRegs>().Which.Pc.Should().Be(0x0000aaaad0001234);
        trace.Frames[^1].ExceptionRegisters!.IsUserMode.Should().BeTrue();
        ((Arm64PtRegs)trace.UserRegisters!).SyscallNo.Should().Be(64);
    }

    [Fact]
    public void A_kernel_thread_ends_at_its_final_frame_record()
    {
        var s = new SyntheticArm64Stacks();
        ulong sched = s.Function("__schedule"), kthread = s.Function("kthread"), fork = s.Function("ret_from_fork");
        ulong final = FinalRecord(Layout);
        ulong r1 = TaskStack + 0x3e00, r2 = r1 + 0x40;
        s.Record(r1, r2, Signed(kthread));
        s.Record(r2, final, Signed(fork, 0x10));
        s.Regs(final - Layout.StackFrameOffset, pc: 0, sp: 0, fp: 0, pstate: 0x5);

        var trace = s.Unwinder().Unwind(new UnwindStart(sched + 0x40, r1 - 0x10, r1, r1 - 0x10, true, null, "test"), [s.Task], Defaults);

        Names(trace).Should().Equal("__schedule", "kthread", "ret_from_fork");
        trace.End.Should().Be(UnwindEnd.EndOfStack);
        trace.Reason.Should().Contain("final frame record");
        trace.IsComplete.Should().BeTrue();
    }

    [Fact]
    public void An_EL1_interrupt_on_the_IRQ_stack_shows_the_exception_frame_and_returns_to_the_task_stack()
    {
        var s = new SyntheticArm64Stacks();
        ulong handler = s.Function("handle_irq_event"), onIrq = s.Function("call_on_irq_stack"), el1irq = s.Function("el1h_64_irq_handler");
        ulong vector = s.Function("el1h_64_irq", entry: true);
        ulong idle = s.Function("default_idle_call"), doIdle = s.Function("do_idle");
        ulong final = FinalRecord(Layout);

        ulong i1 = IrqStack + Size - 0x200, i2 = i1 + 0x40;
        ulong t1 = TaskStack + 0x3000; // call_on_irq_stack's record on the task stack
        ulong t2 = t1 + 0x40;          // el1h_64_irq_handler's record
        ulong regsAt = t2 + 0x10;      // the pt_regs the vector saved
        ulong interruptedFp = regsAt + Layout.PtRegsSize + 0x20;
        s.Record(i1, i2, Signed(onIrq, 0x28));
        s.Record(i2, t1, Signed(el1irq, 0x30));
        s.Record(t1, t2, Signed(el1irq, 0x50));
        s.Record(t2, regsAt + Layout.StackFrameOffset, Signed(vector, 0x6c));
        s.Regs(regsAt, pc: idle + 0x34, sp: regsAt + Layout.PtRegsSize, fp: interruptedFp, pstate: El1h, lr: Signed(doIdle, 0x10));
        s.Record(regsAt + Layout.StackFrameOffset, interruptedFp, idle + 0x34);
        s.Record(interruptedFp, final, Signed(doIdle, 0x90));
        s.Regs(final - Layout.StackFrameOffset, 0, 0, 0, 0x5);

        var trace = s.Unwinder().Unwind(new UnwindStart(handler + 8, i1 - 0x20, i1, i1 - 0x20, false, null, "test"), [s.Task, s.Irq], Defaults);

        Names(trace).Should().Equal("handle_irq_event", "call_on_irq_stack", "el1h_64_irq_handler", "el1h_64_irq_handler", "el1h_64_irq",
            "default_idle_call", "do_idle");
        trace.Frames[2].LeavesStack.Should().Be(s.Irq, "the chain leaves the IRQ stack after call_on_irq_stack's caller");
        var vectorFrame = trace.Frames[4];
        vectorFrame.ExceptionRegisters.Should().BeOfType<Arm64PtRegs>().Which.Pc.Should().Be(idle + 0x34);
        vectorFrame.ExceptionRegisters!.Address.Should().Be(regsAt);
        trace.Frames[5].IsReturnAddress.Should().BeFalse("the interrupted PC is exact");
        trace.Frames[5].Ip.Should().Be(idle + 0x34);
        trace.End.Should().Be(UnwindEnd.EndOfStack);
    }

    [Fact]
    public void The_v6_13_meta_record_types_mark_the_exception_frame_and_the_end()
    {
        var s = new SyntheticArm64Stacks();
        ulong handler = s.Function("el1_interrupt"), vector = s.Function("el1h_64_irq", entry: true), busy = s.Function("busy_loop");
        ulong caller = s.Function("worker_thread");
        var layout = MetaLayout;
        ulong final = FinalRecord(layout);
        ulong r1 = TaskStack + 0x3000, regsAt = r1 + 0x20, busyFp = regsAt + layout.PtRegsSize + 0x10;
        s.Record(r1, regsAt + layout.StackFrameOffset, Signed(vector, 0x6c));
        s.Regs(regsAt, pc: busy + 0x18, sp: busyFp, fp: busyFp, pstate: El1h, layout: layout);
        s.Word(regsAt + layout.MetaTypeOffset!.Value, Arm64StackLayout.FrameMetaPtRegs);
        s.Record(busyFp, final, Signed(caller, 0x24));
        // The final record is zero with FRAME_META_TYPE_FINAL; it is found by its place before its type is read.
        s.Regs(final - layout.StackFrameOffset, 0, 0, 0, 0x5, layout: layout);
        s.Word(final - layout.StackFrameOffset + layout.MetaTypeOffset.Value, Arm64StackLayout.FrameMetaFinal);

        var trace = s.Unwinder(layout).Unwind(new UnwindStart(handler + 4, r1 - 0x10, r1, r1 - 0x10, false, null, "test"), [s.Task], Defaults);

        Names(trace).Should().Equal("el1_interrupt", "el1h_64_irq", "busy_loop", "worker_thread");
        trace.Frames[1].ExceptionRegisters!.Ip.Should().Be(busy + 0x18);
        trace.Frames[2].IsReturnAddress.Should().BeFalse();
        trace.End.Should().Be(UnwindEnd.EndOfStack);
    }

    [Fact]
    public void A_record_pointing_down_or_back_to_a_stack_left_is_a_loop()
    {
        var s = new SyntheticArm64Stacks();
        ulong a = s.Function("a"), b = s.Function("b");
        ulong r1 = TaskStack + 0x3000;
        s.Record(r1, r1 - 0x40, Signed(b));
        var down = s.Unwinder().Unwind(new UnwindStart(a, r1 - 0x10, r1, r1 - 0x10, false, null, "test"), [s.Task], Defaults);
        down.End.Should().Be(UnwindEnd.Loop);
        down.Reason.Should().Contain("wrong way");
        Names(down).Should().Equal("a", "b");

        ulong i1 = IrqStack + 0x1000;
        s.Record(i1, r1 + 0x100, Signed(b));
        s.Record(r1 + 0x100, i1 + 0x100, Signed(a, 0x40));
        var back = s.Unwinder().Unwind(new UnwindStart(a, i1 - 0x10, i1, i1 - 0x10, false, null, "test"), [s.Task, s.Irq], Defaults);
        back.End.Should().Be(UnwindEnd.Loop);
        back.Reason.Should().Contain("already left");
    }

    [Fact]
    public void Bad_records_end_the_trace_with_the_reason()
    {
        var s = new SyntheticArm64Stacks();
        ulong a = s.Function("a"), b = s.Function("b");
        ulong r1 = TaskStack + 0x3000;

        s.Record(r1, 0xdead000000000000, Signed(b));
        var outside = s.Unwinder().Unwind(new UnwindStart(a, r1 - 0x10, r1, r1 - 0x10, false, null, "test"), [s.Task], Defaults);
        outside.End.Should().Be(UnwindEnd.OutsideStack);
        outside.Reason.Should().Contain("dead000000000000");

        s.Record(r1, r1 + 0x40, 0x0000aaaa00001000);
        var bad = s.Unwinder().Unwind(new UnwindStart(a, r1 - 0x10, r1, r1 - 0x10, false, null, "test"), [s.Task], Defaults);
        bad.End.Should().Be(UnwindEnd.BadReturnAddress);

        var misaligned = s.Unwinder().Unwind(new UnwindStart(a, r1 - 0x10, r1 + 4, r1 - 0x10, false, null, "test"), [s.Task], Defaults);
        misaligned.End.Should().Be(UnwindEnd.OutsideStack);
        misaligned.Reason.Should().Contain("aligned");

        // A long chain stops at the frame limit.
        for (ulong at = r1; at < r1 + 0x800; at += 0x20) s.Record(at, at + 0x20, Signed(b));
        var limited = s.Unwinder().Unwind(new UnwindStart(a, r1 - 0x10, r1, r1 - 0x10, false, null, "test"), [s.Task], new UnwindOptions { MaxFrames = 10 });
        limited.Frames.Should().HaveCount(10);
        limited.End.Should().Be(UnwindEnd.FrameLimit);

        var user = s.Unwinder().Unwind(UnwindStart.FromRegisters(Arm64PtRegs.FromValues(0x400000, 0x7fff0000, 0, El0t), "test"), [s.Task], Defaults);
        user.End.Should().Be(UnwindEnd.UserSpace);
        user.Frames.Should().BeEmpty();
    }

    [Fact]
    public void The_PAC_mask_comes_from_KERNELPACMASK_else_from_VA_BITS()
    {
        Arm64StackLayout.PacMaskOf(VmcoreInfo.Parse("NUMBER(VA_BITS)=48\nNUMBER(KERNELPACMASK)=0xffff000000000000\n"))
            .Mask.Should().Be(0xffff000000000000);
        var (mask, origin) = Arm64StackLayout.PacMaskOf(VmcoreInfo.Parse("NUMBER(VA_BITS)=39\nNUMBER(KERNELPACMASK)=0x0\n"));
        mask.Should().Be(0xffffff8000000000);
        origin.Should().Contain("VA_BITS");
        Arm64StackLayout.PacMaskOf(null).Mask.Should().Be(0xffff000000000000, "48 VA bits when nothing says");
        Layout.StripPac(0xffda800008010120).Should().Be(0xffff800008010120);
        Layout.StripPac(0x005a0000aaaa1000).Should().Be(0x0000aaaa1000, "user addresses lose the bits instead");
    }
}
