namespace DumpScope.Sdk.Linux.Stack;

/// <summary>
/// The arm64 kernel stack unwinder: the AAPCS64 frame-record chain (x29 points to {previous x29, x30}), the
/// rules of arch/arm64/kernel/stacktrace.c applied to the dump. Return addresses lose their pointer-authentication
/// bits; a record whose return address is in the exception entry text (el1h_64_irq, el1h_64_sync, …) leads to the
/// struct pt_regs the entry code saved, shown as an exception frame, and the next frame is the interrupted PC.
/// Within a stack the records must go up; the chain may leave a stack (IRQ or overflow stack to the task stack) but
/// never come back to one it left; the final frame record in the task's top pt_regs ends the trace, with the
/// user registers when the task entered from user space.
/// </summary>
/// <remarks>
/// The conventions probed (<see cref="Arm64StackLayout"/>): every task's stack ends in a final frame record at
/// <c>task_pt_regs(task)->stackframe</c> ("arm64: Implement stack trace termination record", v5.14). Before v6.13
/// an EL1 entry stores {interrupted x29, ELR} in pt_regs.stackframe and points x29 at it; since "arm64: stacktrace:
/// unwind exception boundaries" (v6.13) the record is zero and a type beside it (struct frame_record_meta) says
/// FINAL or PT_REGS.
/// </remarks>
public sealed class Arm64FrameUnwinder
{
    private readonly IKernelMemory _memory;
    private readonly ISymbolTable _symbols;
    private readonly KernelCode _code;
    private readonly (ulong Start, ulong End)? _entryText;

    /// <summary>Creates an unwinder over a kernel's memory, symbols, code ranges and probed layout.</summary>
    public Arm64FrameUnwinder(IKernelMemory memory, ISymbolTable symbols, KernelCode code, Arm64StackLayout layout)
    {
        _memory = memory;
        _symbols = symbols;
        _code = code;
        Layout = layout;
        if (symbols.TryGetAddress("__entry_text_start", out var start) && symbols.TryGetAddress("__entry_text_end", out var end) && end > start)
            _entryText = (start, end);
    }

    /// <summary>The layout used.</summary>
    public Arm64StackLayout Layout { get; }

    /// <summary>True when the address is in the exception entry text (__entry_text_start … __entry_text_end).</summary>
    public bool IsEntryText(ulong address) => _entryText is { } e && address >= e.Start && address < e.End;

    /// <summary>
    /// Unwinds from <paramref name="start"/> (Ip = pc, Sp = sp, Bp = x29) over <paramref name="stacks"/>. The
    /// start's registers, when user mode's, end the trace at once (the CPU was running user code).
    /// </summary>
    public Backtrace Unwind(UnwindStart start, IReadOnlyList<StackArea> stacks, UnwindOptions options, CancellationToken cancellation = default)
    {
        var trace = new Run(this, stacks, options, cancellation).Walk(start);
        return options.FrameWords ? StackWalk.WithWords(_memory, trace, stacks) : trace;
    }

    /// <summary>Names a code address: exact for an interrupted PC, at PC - 1 for a return address.</summary>
    public SymbolMatch? Name(ulong ip, bool isReturnAddress) => StackWalk.Name(_symbols, ip, isReturnAddress);

    private static StackArea? Find(IReadOnlyList<StackArea> stacks, ulong address, ulong length = 8) => StackWalk.Find(stacks, address, length);

    // One unwind: arm64's struct unwind_state (fp, pc, the stacks already left) and the frames found so far.
    private sealed class Run(Arm64FrameUnwinder owner, IReadOnlyList<StackArea> stacks, UnwindOptions options, CancellationToken cancellation)
    {
        private readonly List<StackFrame> _frames = [];
        private readonly HashSet<StackArea> _left = [];
        private readonly List<string> _notes = [];
        private StackArea? _area;
        private ulong _fp, _lastRecord;

        private Arm64StackLayout Layout => owner.Layout;

        public Backtrace Walk(UnwindStart start)
        {
            if (start.Registers is { IsUserMode: true } user)
                return new Backtrace([], UnwindMethod.FramePointer, UnwindEnd.UserSpace, "the CPU was running user code", start.Description) { UserRegisters = user };
            _fp = start.Bp;
            _area = Find(stacks, start.Sp);
            Add(start.StackAddress, Layout.StripPac(start.Ip), exact: !start.IsReturnAddress, _area);
            while (true)
            {
                if (cancellation.IsCancellationRequested) return End(start, UnwindEnd.FrameLimit, "cancelled");
                if (_frames.Count >= options.MaxFrames) return End(start, UnwindEnd.FrameLimit, $"stopped after {options.MaxFrames} frames");
                (UnwindEnd End, string Reason)? stop;
                try
                {
                    stop = Step();
                }
                catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
                {
                    stop = (UnwindEnd.Unreadable, KernelDataErrors.Reason(e));
                }
                if (stop is { } s) return End(start, s.End, s.Reason);
            }
        }

        // unwind_next_frame_record of arch/arm64/kernel/stacktrace.c, one step; null when a frame was added.
        private (UnwindEnd, string)? Step()
        {
            ulong fp = _fp;
            if (fp == 0) return (UnwindEnd.EndOfStack, "x29 is 0: the frame-record chain ends");
            if ((fp & 7) != 0) return (UnwindEnd.OutsideStack, $"frame pointer {fp:x} is not 8-byte aligned");
            var area = Find(stacks, fp, 16);
            if (area is null) return (UnwindEnd.OutsideStack, $"frame pointer {fp:x} is on none of the task's stacks ({Stacks()})");
            if (area == _area && fp <= _lastRecord) return (UnwindEnd.Loop, $"frame record {fp:x} is not above the previous one {_lastRecord:x}: the chain goes the wrong way");
            if (Enter(area, $"frame record {fp:x}") is { } loop) return loop;
            _lastRecord = fp;

            // The final frame record: task_pt_regs(task)->stackframe, at the top of the task stack.
            if (area.Kind == StackKind.Task && area.End - area.Start >= Layout.PtRegsSize && fp == area.End - Layout.PtRegsSize + Layout.StackFrameOffset)
            {
                var top = Arm64PtRegs.Read(owner._memory, area.End - Layout.PtRegsSize, Layout);
                if (top.IsUserMode && top.Pc != 0)
                {
                    _frames[^1] = _frames[^1] with { ExceptionRegisters = top };
                    return (UnwindEnd.UserSpace, "entered from user space (the final frame record in the task's pt_regs)");
                }
                return (UnwindEnd.EndOfStack, "the final frame record (task_pt_regs()->stackframe)");
            }

            ulong next = Read(fp);
            ulong lr = Read(fp + 8);
            if (Layout.MetaTypeOffset is { } typeOffset && next == 0 && lr == 0)
            {
                ulong type = Read(fp - Layout.StackFrameOffset + typeOffset);
                if (type == Arm64StackLayout.FrameMetaFinal) return (UnwindEnd.EndOfStack, "a final frame record (FRAME_META_TYPE_FINAL)");
                if (type != Arm64StackLayout.FrameMetaPtRegs) return (UnwindEnd.NoUnwindInfo, $"frame record {fp:x} has the unknown meta type {type}");
                return Exception(fp - Layout.StackFrameOffset, fp, area);
            }
            if (next == 0 && lr == 0) return (UnwindEnd.EndOfStack, $"a zero frame record at {fp:x}");
            ulong ret = Layout.StripPac(lr);
            if (!owner._code.IsText(ret)) return (UnwindEnd.BadReturnAddress, $"return address {ret:x} at {fp + 8:x} is not kernel text");
            Add(fp, ret, exact: false, area);
            _fp = next;

            // Before v6.13 an EL1 entry's frame record is pt_regs.stackframe = {interrupted x29, ELR}: when the
            // return address is in the entry text and the next record sits where a pt_regs agreeing with it would,
            // that pt_regs is the exception frame and its PC the next frame, exact.
            if (Layout.MetaTypeOffset is null && owner.IsEntryText(ret) && next > Layout.StackFrameOffset)
            {
                ulong regsAt = next - Layout.StackFrameOffset;
                if (Find(stacks, regsAt, Layout.PtRegsSize) is { } regsArea && owner._memory.TryReadU64(next + 8, out var elr, out _))
                {
                    var regs = Arm64PtRegs.Read(owner._memory, regsAt, Layout);
                    if (!regs.IsUserMode && regs.FramePointer == Read(next) && regs.Pc == Layout.StripPac(elr))
                        return Exception(regsAt, next, regsArea);
                }
            }
            return null;
        }

        // The entry frame (the last one added) carries the saved registers; the interrupted PC follows, exact.
        private (UnwindEnd, string)? Exception(ulong regsAt, ulong record, StackArea area)
        {
            var regs = Arm64PtRegs.Read(owner._memory, regsAt, Layout);
            _frames[^1] = _frames[^1] with { ExceptionRegisters = regs };
            if (regs.IsUserMode) return (UnwindEnd.UserSpace, "entered from user space");
            if (Enter(area, $"pt_regs {regsAt:x}") is { } loop) return loop;
            _lastRecord = record;
            Add(regsAt, Layout.StripPac(regs.Pc), exact: true, area);
            _fp = regs.FramePointer;
            return null;
        }

        // Moving to another stack: allowed once per stack (the kernel's stacks_done), marked on the last frame.
        private (UnwindEnd, string)? Enter(StackArea area, string what)
        {
            if (area == _area) return null;
            if (_area is not null)
            {
                if (_left.Contains(area)) return (UnwindEnd.Loop, $"{what} is on the {area.Name}, which the chain already left");
                _left.Add(_area);
                _frames[^1] = _frames[^1] with { LeavesStack = _area };
            }
            _area = area;
            return null;
        }

        private void Add(ulong stackAddress, ulong ip, bool exact, StackArea? area) =>
            _frames.Add(StackWalk.Frame(owner._symbols, _frames.Count, stackAddress, ip, exact, reliable: true, area));

        // Only stack memory is read.
        private ulong Read(ulong address)
        {
            if (Find(stacks, address) is null)
                throw new InvalidDataException($"frame record word {address:x} is outside the task's stacks ({Stacks()})");
            return owner._memory.ReadU64(address, "frame record");
        }

        private string Stacks() => stacks.Count == 0 ? "none known" : string.Join(", ", stacks);

        private Backtrace End(UnwindStart start, UnwindEnd end, string reason) =>
            new(_frames.ToArray(), UnwindMethod.FramePointer, end, reason, start.Description)
            {
                Notes = _notes,
                UserRegisters = end == UnwindEnd.UserSpace ? _frames[^1].ExceptionRegisters : null,
            };
    }
}
