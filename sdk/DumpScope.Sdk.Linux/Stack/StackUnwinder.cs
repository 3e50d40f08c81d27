namespace DumpScope.Sdk.Linux.Stack;

/// <summary>
/// The x86-64 kernel stack unwinder: ORC (the rules of the kernel's arch/x86/kernel/unwind_orc.c, applied to
/// the dumped kernel's own tables), the frame-pointer chain for kernels built without ORC, and a text scan
/// that guesses. Every read is checked against the stacks given (the task's stack and its CPU's IRQ and
/// exception stacks); a trace ends at the frame limit, on a loop, outside the stacks or on unreadable
/// memory, with the reason.
/// </summary>
public sealed class StackUnwinder
{
    private readonly IKernelMemory _memory;
    private readonly ISymbolTable _symbols;
    private readonly KernelCode _code;
    private readonly KernelOrc? _orc;

    /// <summary>Creates an unwinder over a kernel's memory, symbols, code ranges and (when it has them) ORC tables.</summary>
    public StackUnwinder(IKernelMemory memory, ISymbolTable symbols, KernelCode code, KernelOrc? orc)
    {
        _memory = memory;
        _symbols = symbols;
        _code = code;
        _orc = orc;
    }

    /// <summary>The ORC tables used, or null for a kernel without them.</summary>
    public KernelOrc? Orc => _orc;

    /// <summary>Unwinds from <paramref name="start"/> over <paramref name="stacks"/>.</summary>
    public Backtrace Unwind(UnwindStart start, IReadOnlyList<StackArea> stacks, UnwindOptions options, CancellationToken cancellation = default)
    {
        var notes = new List<string>();
        var method = options.Method ?? UnwindMethod.Orc;
        if (method == UnwindMethod.Orc && _orc is null)
        {
            notes.Add("the kernel has no ORC tables: frame pointers used");
            method = UnwindMethod.FramePointer;
        }
        var run = new Run(this, stacks, options, method, notes, cancellation);
        var trace = method == UnwindMethod.Guess ? run.Scan(start) : run.Walk(start);
        if (method != UnwindMethod.Guess && trace.Frames.Count == 1 && trace.End is UnwindEnd.NoUnwindInfo or UnwindEnd.BadReturnAddress
            && Resync(start, stacks, options, method, trace, cancellation) is { } resynced)
            trace = resynced;
        return options.FrameWords ? WithWords(trace, stacks) : trace;
    }

    // The starting IP has no usable unwind data (crash_setup_regs's _THIS_IP_ label, a jump to garbage): look
    // up the stack for the first return address from which the unwind goes on, and continue from there. The
    // frame found that way is a guess, unless the instruction before it is a direct call to the very function
    // the first frame is in: then it is that function's caller, as exact as an unwound frame (panic's call of
    // __crash_kexec, whose crash_setup_regs registers start every kdump trace of a panicking CPU). The frames
    // after it are as reliable as the method.
    private Backtrace? Resync(UnwindStart start, IReadOnlyList<StackArea> stacks, UnwindOptions options, UnwindMethod method, Backtrace failed, CancellationToken cancellation)
    {
        var area = Find(stacks, start.Sp);
        if (area is null) return null;
        var probe = options with { MaxFrames = 3, FrameWords = false };
        for (ulong slot = start.Sp & ~7UL; slot + 8 <= area.End; slot += 8)
        {
            if (cancellation.IsCancellationRequested) return null;
            if (!_memory.TryReadU64(slot, out var value, out _) || !_code.IsText(value) || !FollowsCall(value)) continue;
            var from = new UnwindStart(value, slot + 8, start.Bp, slot, IsReturnAddress: true, null, start.Description);
            var trial = new Run(this, stacks, probe, method, [], cancellation).Walk(from);
            if (trial.Frames.Count < 2 && !trial.IsComplete) continue;
            var rest = new Run(this, stacks, options with { MaxFrames = Math.Max(1, options.MaxFrames - 1) }, method, [], cancellation).Walk(from);
            var frames = new List<StackFrame> { failed.Frames[0] };
            bool called = CallsFunctionOf(value, start.Ip, start.IsReturnAddress);
            frames.AddRange(rest.Frames.Select((f, i) => f with { Index = i + 1, Reliable = (i > 0 || called) && f.Reliable }));
            string how = called ? ", which follows a direct call to the first frame's function" : "";
            return rest with
            {
                Frames = frames,
                Start = start.Description,
                Notes = [.. failed.Notes, $"{failed.Reason}: resumed at the return address found at {slot:x}{how}", .. rest.Notes],
            };
        }
        return null;
    }

    /// <summary>
    /// True when the 5 bytes before <paramref name="returnAddress"/> are a direct call (E8 rel32) whose target is the
    /// start of the function holding <paramref name="ip"/>.
    /// </summary>
    public bool CallsFunctionOf(ulong returnAddress, ulong ip, bool ipIsReturnAddress)
    {
        Span<byte> call = stackalloc byte[5];
        if (returnAddress < 5 || !_memory.ReadVirtual(returnAddress - 5, call).IsComplete || call[0] != 0xe8) return false;
        ulong target = returnAddress + (ulong)(long)BinaryPrimitives.ReadInt32LittleEndian(call[1..]);
        return Name(ip, ipIsReturnAddress) is { } function && function.Symbol.Address == target;
    }

    /// <summary>Names a code address: exact for an interrupted IP, at IP - 1 for a return address (the kernel's %pB).</summary>
    public SymbolMatch? Name(ulong ip, bool isReturnAddress) => StackWalk.Name(_symbols, ip, isReturnAddress);

    /// <summary>True when a return address follows a call instruction (direct E8 rel32, or an indirect FF /2).</summary>
    public bool FollowsCall(ulong returnAddress)
    {
        Span<byte> b = stackalloc byte[7];
        if (returnAddress < 7 || !_memory.ReadVirtual(returnAddress - 7, b).IsComplete) return false;
        static bool Indirect(byte opcode, byte modrm) => opcode == 0xff && (modrm & 0x38) == 0x10;
        return b[2] == 0xe8 || Indirect(b[5], b[6]) || Indirect(b[4], b[5]) || Indirect(b[1], b[2]) || Indirect(b[0], b[1]);
    }

    private Backtrace WithWords(Backtrace trace, IReadOnlyList<StackArea> stacks) => StackWalk.WithWords(_memory, trace, stacks);

    private static StackArea? Find(IReadOnlyList<StackArea> stacks, ulong address, ulong length = 8) => StackWalk.Find(stacks, address, length);

    private sealed class OutsideStackException(string message) : Exception(message);

    // One unwind: the state the kernel's struct unwind_state holds, and the frames found so far.
    private sealed class Run(StackUnwinder owner, IReadOnlyList<StackArea> stacks, UnwindOptions options, UnwindMethod method, List<string> notes, CancellationToken cancellation)
    {
        private readonly List<StackFrame> _frames = [];
        private ulong _ip, _sp, _bp;
        private PtRegs? _regs, _prevRegs;
        private bool _fullRegs, _signal, _reliable = method != UnwindMethod.Guess;
        private StackArea? _area;

        public Backtrace Walk(UnwindStart start)
        {
            _ip = start.Ip;
            _sp = start.Sp;
            _bp = start.Bp;
            _regs = start.Registers as PtRegs;
            _fullRegs = start.Registers is { IsPartial: false };
            _signal = !start.IsReturnAddress;
            if (start.Registers is { IsUserMode: true } user)
                return new Backtrace([], method, UnwindEnd.UserSpace, "the CPU was running user code", start.Description) { UserRegisters = user, Notes = notes };
            _area = Find(stacks, _sp);
            Add(start.StackAddress, _ip, exact: _signal);
            if (_area is null) return End(start, UnwindEnd.OutsideStack, $"stack pointer {_sp:x} is on none of the task's stacks ({Stacks()})");
            var seen = new HashSet<(ulong, ulong)>();
            while (true)
            {
                if (cancellation.IsCancellationRequested) return End(start, UnwindEnd.FrameLimit, "cancelled");
                if (_frames.Count >= options.MaxFrames) return End(start, UnwindEnd.FrameLimit, $"stopped after {options.MaxFrames} frames");
                (UnwindEnd End, string Reason)? stop;
                try
                {
                    stop = method == UnwindMethod.Orc ? OrcStep() : FramePointerStep();
                }
                catch (OutsideStackException e)
                {
                    stop = (UnwindEnd.OutsideStack, e.Message);
                }
                catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
                {
                    stop = (UnwindEnd.Unreadable, KernelDataErrors.Reason(e));
                }
                if (stop is { } s)
                {
                    var trace = End(start, s.End, s.Reason);
                    return s.End == UnwindEnd.UserSpace ? trace with { UserRegisters = _frames[^1].ExceptionRegisters } : trace;
                }
                if (!seen.Add((_ip, _sp))) return End(start, UnwindEnd.Loop, $"frame {_ip:x} at stack {_sp:x} seen twice");
            }
        }

        public Backtrace Scan(UnwindStart start)
        {
            var area = Find(stacks, start.Sp);
            Add(start.StackAddress, start.Ip, exact: !start.IsReturnAddress);
            if (area is null) return End(start, UnwindEnd.OutsideStack, $"stack pointer {start.Sp:x} is on none of the task's stacks ({Stacks()})");
            for (ulong at = start.Sp & ~7UL; at + 8 <= area.End; at += 8)
            {
                if (cancellation.IsCancellationRequested || _frames.Count >= options.MaxFrames)
                    return End(start, UnwindEnd.FrameLimit, $"stopped after {_frames.Count} frames");
                if (!owner._memory.TryReadU64(at, out var value, out var fault))
                    return End(start, UnwindEnd.Unreadable, fault!.Message);
                if (owner._code.IsText(value) && owner.FollowsCall(value)) Add(at, value, exact: false, area);
            }
            return End(start, UnwindEnd.ScanComplete, $"scanned {area.Name} up to {area.End:x}: every frame is a guess");
        }

        // unwind_next_frame of arch/x86/kernel/unwind_orc.c, one step; null when a frame was added.
        private (UnwindEnd, string)? OrcStep()
        {
            ulong lookupIp = _signal ? _ip : _ip - 1;
            OrcEntry entry;
            if (_ip == 0) entry = OrcEntry.NullCall;
            else if (owner._orc!.Find(lookupIp, out var problem) is { } found) entry = found;
            else
            {
                if (!owner._code.IsText(_ip)) return (UnwindEnd.BadReturnAddress, $"{_ip:x} is not kernel text");
                if (problem is not null && problem.Contains("unreadable", StringComparison.Ordinal)) return (UnwindEnd.Unreadable, problem);
                // Code without ORC data (BPF, generated code): assume a frame pointer, as the kernel does, and
                // call everything after it a guess.
                notes.Add($"no ORC data at {_ip:x} ({problem}): frame pointer assumed from here");
                entry = OrcEntry.FramePointer;
                _reliable = false;
            }
            if (entry.Type == OrcFrameType.EndOfStack) return (UnwindEnd.EndOfStack, "end of the kernel stack");
            if (entry.Type == OrcFrameType.Undefined) return (UnwindEnd.NoUnwindInfo, $"no unwind information at {owner.Name(_ip, !_signal)?.ToString() ?? $"{_ip:x}"}");

            ulong sp;
            switch (entry.SpRegister)
            {
                case OrcRegister.Sp: sp = _sp + (ulong)(long)entry.SpOffset; break;
                case OrcRegister.Bp: sp = _bp + (ulong)(long)entry.SpOffset; break;
                case OrcRegister.SpIndirect: sp = Read(_sp) + (ulong)(long)entry.SpOffset; break;
                case OrcRegister.BpIndirect: sp = Read(_bp + (ulong)(long)entry.SpOffset); break;
                case OrcRegister.R10: case OrcRegister.R13: case OrcRegister.Di: case OrcRegister.Dx:
                    var field = entry.SpRegister switch
                    {
                        OrcRegister.R10 => PtRegsField.R10,
                        OrcRegister.R13 => PtRegsField.R13,
                        OrcRegister.Di => PtRegsField.Di,
                        _ => PtRegsField.Dx,
                    };
                    if (Register(field) is not { } value) return (UnwindEnd.NoUnwindInfo, $"the frame at {_ip:x} needs {field} but no saved registers hold it");
                    sp = value;
                    break;
                default:
                    return (UnwindEnd.NoUnwindInfo, $"ORC entry at {_ip:x} has SP base {entry.SpRegister}");
            }

            ulong ip, nextSp, slot;
            PtRegs? saved = null;
            switch (entry.Type)
            {
                case OrcFrameType.Call:
                    slot = sp - 8;
                    ip = Read(slot);
                    nextSp = sp;
                    _regs = null;
                    _prevRegs = null;
                    _signal = entry.Signal;
                    break;
                case OrcFrameType.Regs:
                    Require(sp, PtRegs.Size);
                    saved = PtRegs.Read(owner._memory, sp);
                    ip = saved.Ip;
                    nextSp = saved.Sp;
                    slot = nextSp;
                    _regs = saved;
                    _prevRegs = null;
                    _fullRegs = true;
                    _signal = true;
                    break;
                case OrcFrameType.RegsPartial:
                    Require(sp, PtRegs.Size - PtRegs.IretFrameOffset);
                    saved = PtRegs.ReadIretFrame(owner._memory, sp);
                    ip = saved.Ip;
                    nextSp = saved.Sp;
                    slot = nextSp;
                    if (_fullRegs) _prevRegs = _regs;
                    _regs = saved;
                    _fullRegs = false;
                    _signal = true;
                    break;
                default:
                    return (UnwindEnd.NoUnwindInfo, $"ORC entry at {_ip:x} has type {entry.Type}");
            }

            switch (entry.BpRegister)
            {
                case OrcRegister.Undefined:
                    if (Register(PtRegsField.Bp) is { } bp) _bp = bp;
                    break;
                case OrcRegister.PrevSp: _bp = Read(sp + (ulong)(long)entry.BpOffset); break;
                case OrcRegister.Bp: _bp = Read(_bp + (ulong)(long)entry.BpOffset); break;
                default: return (UnwindEnd.NoUnwindInfo, $"ORC entry at {_ip:x} has BP base {entry.BpRegister}");
            }
            return Advance(ip, nextSp, slot, saved, exact: _signal);
        }

        // The frame-pointer chain: the return address above the saved BP; a BP with its low bit set is an
        // encoded pointer to pt_regs (ENCODE_FRAME_POINTER in the entry code).
        private (UnwindEnd, string)? FramePointerStep()
        {
            if ((_bp & 1) != 0)
            {
                ulong regsAt = _bp & ~1UL;
                Require(regsAt, PtRegs.Size);
                var saved = PtRegs.Read(owner._memory, regsAt);
                // copy_thread points a new task's first frame at its own pt_regs at the top of the stack
                // (frame->bp = encode_frame_pointer(childregs), commit 6f9885a36c00, 5.9; 0 before, which ends the
                // chain above). A kernel thread's are zeroed, kernel mode: its stack starts there, as the kernel's
                // unwind_frame.c ends at task_pt_regs of a non-user regs set.
                if (!saved.IsUserMode && Find(stacks, regsAt, (ulong)PtRegs.Size) is { Kind: StackKind.Task } top && regsAt + (ulong)PtRegs.Size == top.End)
                    return (UnwindEnd.EndOfStack, "end of the kernel stack (a kernel thread's first frame: the pt_regs copy_thread left at the top)");
                _bp = saved.Bp;
                _regs = saved;
                _fullRegs = true;
                _signal = true;
                return Advance(saved.Ip, saved.Sp, saved.Sp, saved, exact: true);
            }
            if (_bp == 0) return (UnwindEnd.EndOfStack, "the frame-pointer chain ends (BP is 0)");
            if (Find(stacks, _bp, 16) is { } bpArea && bpArea == _area && _bp < _sp)
                return (UnwindEnd.Loop, $"frame pointer {_bp:x} is below the stack pointer {_sp:x}: the chain goes the wrong way");
            if (Find(stacks, _bp, 16) is null)
            {
                // A task entered from user space keeps its user registers at the top of its stack.
                if (_area is { Kind: StackKind.Task } task && task.End - PtRegs.Size >= task.Start)
                {
                    var top = PtRegs.Read(owner._memory, task.End - PtRegs.Size);
                    if (top.IsUserMode)
                    {
                        _frames[^1] = _frames[^1] with { ExceptionRegisters = top };
                        return (UnwindEnd.UserSpace, "entered from user space");
                    }
                }
                return (UnwindEnd.OutsideStack, $"frame pointer {_bp:x} is on none of the task's stacks");
            }
            ulong frame = _bp;
            ulong ip = Read(frame + 8);
            _bp = Read(frame);
            _regs = null;
            _signal = false;
            if (!owner._code.IsText(ip)) return (UnwindEnd.BadReturnAddress, $"return address {ip:x} at {frame + 8:x} is not kernel text");
            return Advance(ip, frame + 16, frame + 8, null, exact: false);
        }

        private (UnwindEnd, string)? Advance(ulong ip, ulong sp, ulong slot, PtRegs? saved, bool exact)
        {
            if (saved is not null) _frames[^1] = _frames[^1] with { ExceptionRegisters = saved };
            if (saved is { IsUserMode: true })
            {
                _ip = ip;
                _sp = sp;
                return (UnwindEnd.UserSpace, "entered from user space");
            }
            var area = Find(stacks, sp);
            if (area is null) return (UnwindEnd.OutsideStack, $"next stack pointer {sp:x} (from the frame at {_ip:x}) is on none of the task's stacks");
            if (area == _area && sp <= _sp) return (UnwindEnd.Loop, $"stack going in the wrong direction at {_ip:x}: {sp:x} after {_sp:x}");
            if (area != _area) _frames[^1] = _frames[^1] with { LeavesStack = _area };
            _ip = ip;
            _sp = sp;
            _area = area;
            Add(slot, ip, exact, area);
            return null;
        }

        private void Add(ulong stackAddress, ulong ip, bool exact, StackArea? area = null) =>
            _frames.Add(StackWalk.Frame(owner._symbols, _frames.Count, stackAddress, ip, exact, _reliable, area ?? _area));

        private ulong? Register(PtRegsField field)
        {
            if (_regs is null) return null;
            if (_fullRegs) return _regs[field];
            return _prevRegs?[field];
        }

        // deref_stack_reg: only stack memory is read.
        private ulong Read(ulong address)
        {
            Require(address, 8);
            return owner._memory.ReadU64(address, "stack");
        }

        private void Require(ulong address, int length)
        {
            if (Find(stacks, address, (ulong)length) is null)
                throw new OutsideStackException($"unwind data points to {address:x}, outside the task's stacks ({Stacks()})");
        }

        private string Stacks() => stacks.Count == 0 ? "none known" : string.Join(", ", stacks);

        private Backtrace End(UnwindStart start, UnwindEnd end, string reason) =>
            new(_frames.ToArray(), method, end, reason, start.Description) { Notes = notes };
    }
}
