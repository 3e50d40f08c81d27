using DumpScope.Sdk.Linux.Modules;

namespace DumpScope.Sdk.Linux.Stack;

/// <summary>
/// Backtraces of a dumped kernel's tasks and CPUs: the one entry point plugins use. Reads once, on first use,
/// the module list, the ORC tables (vmlinux's and the modules'), and each CPU's stacks; thread-safe.
/// </summary>
/// <remarks>
/// Where a trace starts:
/// <list type="bullet">
/// <item>A task that is not running: thread.sp and its inactive_task_frame (<see cref="TaskStackStart"/>).</item>
/// <item>A running task: its CPU's PRSTATUS note. On the panicking CPU of a kdump capture those are the
/// registers crash_setup_regs took in __crash_kexec (or the oops registers handed to it). The other CPUs were
/// stopped by an NMI whose handler saved the interrupted registers; the NMI handler's own frames are then
/// recovered from the CPU's NMI stack: the return addresses on it from which the ORC rules lead to exactly the
/// saved registers (preferring a chain that starts in the kdump stop handler crash_nmi_callback).</item>
/// </list>
/// </remarks>
public sealed class KernelBacktracer
{
    private const int RecoveryFrames = 24;
    private static readonly string[] StopHandlers = ["crash_nmi_callback"];

    private readonly IKernel _kernel;
    private readonly Lazy<Parts> _parts;

    /// <summary>Creates the backtracer; nothing is read until the first trace.</summary>
    public KernelBacktracer(IKernel kernel)
    {
        _kernel = kernel;
        _parts = new Lazy<Parts>(Read, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The backtracer of <paramref name="kernel"/>, made once per kernel and shared by every plugin.</summary>
    public static KernelBacktracer Of(IKernel kernel) => KernelProbes.Get(kernel, k => new KernelBacktracer(k));

    /// <summary>The kernel's modules (those the list walk could read).</summary>
    public IReadOnlyList<KernelModule> Modules => _parts.Value.Modules;

    /// <summary>The ORC tables, or null (then <see cref="OrcProblem"/> says why).</summary>
    public KernelOrc? Orc => _parts.Value.Orc;

    /// <summary>Why there are no ORC tables, or null.</summary>
    public string? OrcProblem => _parts.Value.OrcProblem;

    /// <summary>Notes from reading the modules, ORC and stacks.</summary>
    public IReadOnlyList<string> Notes => _parts.Value.Notes;

    /// <summary>The stack areas reader.</summary>
    public KernelStackAreas Stacks => _parts.Value.Stacks;

    /// <summary>The unwinder itself, for callers with their own starting registers.</summary>
    public StackUnwinder Unwinder => _parts.Value.Unwinder;

    /// <summary>The arm64 frame-record unwinder, or null on other architectures (or when its layout could not be probed).</summary>
    public Arm64FrameUnwinder? Arm64Unwinder => _parts.Value.Arm64;

    /// <summary>True for an arm64 kernel (IKernel.Architecture "aarch64").</summary>
    public bool IsArm64 => _kernel.Architecture == "aarch64";

    /// <summary>The symbol of a kernel text address (vmlinux or module text; PAC bits stripped on arm64), null for any other address.</summary>
    public SymbolMatch? KernelTextName(ulong address)
    {
        var parts = _parts.Value;
        if (parts.Arm64 is { } arm) address = arm.Layout.StripPac(address);
        return parts.Code.IsText(address) ? parts.Unwinder.Name(address, isReturnAddress: false) : null;
    }

    /// <summary>The CPU that panicked (panic_cpu), or null when none did or it is unknown.</summary>
    public int? PanicCpu => _parts.Value.PanicCpu;

    /// <summary>
    /// CPU <paramref name="cpu"/>'s saved registers from the dump's PRSTATUS notes, or null with the reason. Notes
    /// are written for the CPUs in order; note i belongs to the i-th online CPU, or the i-th present CPU when there
    /// are as many notes as present CPUs but not as online ones.
    /// </summary>
    public SavedRegisters? CpuRegisters(int cpu, out string? problem)
    {
        var notes = _kernel.Dump.Cpus;
        // kdump writes a note per present CPU (kexec-tools: each cpuN/crash_notes), QEMU one per vCPU; CPUs stopped
        // by the panic may have left the online mask first (local_cpu_stop, stop_this_cpu). The mask whose count is
        // the notes' says which CPU each note is; the online mask when none does.
        var mask = notes.Count == _kernel.OnlineCpus.Count || notes.Count != _kernel.PresentCpus.Count ? _kernel.OnlineCpus : _kernel.PresentCpus;
        int index = mask.Cpus.TakeWhile(c => c != cpu).Count();
        if (!mask.Contains(cpu) || index >= notes.Count)
        {
            problem = $"the dump has no register note for CPU {cpu} ({notes.Count} notes for CPUs {mask})";
            return null;
        }
        var registers = notes[index].Registers;
        if (IsArm64)
        {
            if (!registers.ContainsKey("pc") || !registers.ContainsKey("sp"))
            {
                problem = $"CPU {cpu}'s note has no pc/sp";
                return null;
            }
            problem = null;
            return Arm64PtRegs.FromNote(registers);
        }
        if (!registers.ContainsKey("rip") || !registers.ContainsKey("rsp"))
        {
            problem = $"CPU {cpu}'s note has no rip/rsp";
            return null;
        }
        problem = null;
        return PtRegs.FromNote(registers);
    }

    /// <summary>The stacks a task may use: its own, plus its CPU's IRQ and exception stacks when it is running.</summary>
    public IReadOnlyList<StackArea> StacksOf(ulong task, int? runningCpu, List<string> problems)
    {
        var areas = new List<StackArea>();
        try
        {
            areas.Add(Stacks.TaskStack(task));
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            problems.Add($"task {task:x}: stack unknown: {KernelDataErrors.Reason(e)}");
        }
        if (runningCpu is { } cpu)
        {
            var (cpuAreas, cpuProblems) = Stacks.CpuStacks(cpu);
            areas.AddRange(cpuAreas);
            problems.AddRange(cpuProblems);
        }
        return areas;
    }

    /// <summary>
    /// The backtrace of task <paramref name="task"/>. <paramref name="runningCpu"/> is the CPU it was running on
    /// when the dump was taken (cpu_curr), null for a task that was not running.
    /// </summary>
    public Backtrace Task(ulong task, int? runningCpu, UnwindOptions options, CancellationToken cancellation = default)
    {
        var parts = _parts.Value;
        var problems = new List<string>();
        var stacks = StacksOf(task, runningCpu, problems);
        if (IsArm64) return Arm64Task(task, runningCpu, stacks, problems, options, cancellation);
        Backtrace trace;
        if (runningCpu is { } cpu)
        {
            if (CpuRegisters(cpu, out var why) is not { } registers)
                return new Backtrace([], options.Method ?? UnwindMethod.Orc, UnwindEnd.NoStart, why!, $"CPU {cpu}") { Notes = problems };
            bool stoppedByNmi = parts.PanicCpu is { } panic && panic != cpu;
            trace = stoppedByNmi && options.Method != UnwindMethod.Guess
                ? FromNmi(cpu, (PtRegs)registers, stacks, options, cancellation)
                : parts.Unwinder.Unwind(UnwindStart.FromRegisters(registers, $"PRSTATUS of CPU {cpu}"), stacks, options, cancellation);
        }
        else
        {
            UnwindStart start;
            try
            {
                start = TaskStackStart.FromInactiveFrame(_kernel, task);
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                return new Backtrace([], options.Method ?? UnwindMethod.Orc, UnwindEnd.NoStart, $"thread.sp unreadable: {KernelDataErrors.Reason(e)}", "thread.sp") { Notes = problems };
            }
            trace = parts.Unwinder.Unwind(start, stacks, options, cancellation);
        }
        return problems.Count == 0 ? trace : trace with { Notes = [.. problems, .. trace.Notes] };
    }

    // arm64: a running task starts at its CPU's PRSTATUS registers (on the panicking CPU crash_setup_regs's in
    // __crash_kexec; the others were stopped by IPI_CPU_CRASH_STOP, whose handler saved the interrupted registers),
    // a sleeping one at thread.cpu_context. Frame pointers only: arm64 kernels have no ORC.
    private Backtrace Arm64Task(ulong task, int? runningCpu, IReadOnlyList<StackArea> stacks, List<string> problems, UnwindOptions options, CancellationToken cancellation)
    {
        var parts = _parts.Value;
        if (parts.Arm64 is not { } unwinder)
            return new Backtrace([], UnwindMethod.FramePointer, UnwindEnd.NoStart, parts.Arm64Problem ?? "no arm64 unwinder", "arm64") { Notes = problems };
        if (options.Method is UnwindMethod.Orc or UnwindMethod.Guess)
            problems.Add($"arm64 kernels have no ORC tables and no text scan here: frame records used instead of {options.Method}");
        UnwindStart start;
        if (runningCpu is { } cpu)
        {
            if (CpuRegisters(cpu, out var why) is not { } registers)
                return new Backtrace([], UnwindMethod.FramePointer, UnwindEnd.NoStart, why!, $"CPU {cpu}") { Notes = problems };
            start = UnwindStart.FromRegisters(registers, $"PRSTATUS of CPU {cpu}");
        }
        else
        {
            try
            {
                start = TaskStackStart.FromCpuContext(_kernel, task, unwinder.Layout);
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                return new Backtrace([], UnwindMethod.FramePointer, UnwindEnd.NoStart, $"thread.cpu_context unreadable: {KernelDataErrors.Reason(e)}", "thread.cpu_context") { Notes = problems };
            }
        }
        var trace = unwinder.Unwind(start, stacks, options with { Method = UnwindMethod.FramePointer }, cancellation);
        return problems.Count == 0 ? trace : trace with { Notes = [.. problems, .. trace.Notes] };
    }

    // The CPU was stopped by an NMI: find the handler's frames on the NMI stack, then go on from the saved registers.
    private Backtrace FromNmi(int cpu, PtRegs registers, IReadOnlyList<StackArea> stacks, UnwindOptions options, CancellationToken cancellation)
    {
        var parts = _parts.Value;
        var direct = UnwindStart.FromRegisters(registers, $"PRSTATUS of CPU {cpu} (stopped by NMI)");
        var nmi = stacks.FirstOrDefault(s => s.Kind == StackKind.Exception && s.Name.StartsWith("NMI", StringComparison.Ordinal));
        if (nmi is null || (options.Method ?? (parts.Orc is null ? UnwindMethod.FramePointer : UnwindMethod.Orc)) != UnwindMethod.Orc)
            return parts.Unwinder.Unwind(direct, stacks, options, cancellation);

        // An NMI from kernel mode runs on the NMI stack; from user mode the entry code moves to the task stack.
        var scanned = registers.IsUserMode ? stacks.FirstOrDefault(s => s.Kind == StackKind.Task) : nmi;
        Backtrace? best = null;
        bool bestInHandler = false;
        var probe = options with { MaxFrames = RecoveryFrames, FrameWords = false };
        for (ulong slot = scanned?.Start ?? 0; scanned is not null && slot + 8 <= scanned.End; slot += 8)
        {
            if (cancellation.IsCancellationRequested) break;
            if (!_kernel.Memory.TryReadU64(slot, out var value, out _) || !parts.Code.IsText(value) || !parts.Unwinder.FollowsCall(value)) continue;
            var start = new UnwindStart(value, slot + 8, 0, slot, IsReturnAddress: true, null, direct.Description);
            var chain = parts.Unwinder.Unwind(start, stacks, probe, cancellation);
            int reaches = -1;
            for (int i = 0; i < chain.Frames.Count; i++)
                if (chain.Frames[i].ExceptionRegisters is { } saved && saved.Ip == registers.Ip && saved.Sp == registers.Sp) { reaches = i; break; }
            if (reaches < 0) continue;
            bool inHandler = chain.Frames[0].Symbol is { } s && StopHandlers.Contains(s.Symbol.Name);
            // The highest chain is the one nearest the live handler frame; a chain in the stop handler wins.
            if (best is null || inHandler || !bestInHandler)
            {
                best = chain with { Frames = chain.Frames.Take(reaches + 1).ToArray() };
                bestInHandler = inHandler;
            }
        }
        if (best is null)
        {
            var plain = parts.Unwinder.Unwind(direct, stacks, options, cancellation);
            return plain with { Notes = [.. plain.Notes, "the NMI handler's frames were not found on the NMI stack"] };
        }

        // Frame #0's address is the handler's last call site, read from a popped slot. Outside a known stop handler it
        // is a guess. In one it is sure: the chain from it reaches exactly the saved registers, and
        // crash_nmi_callback never returns (it halts after saving them). So the CPU is in that function, and its
        // frame is the live one the reliable return address above it belongs to.
        var handler = best.Frames.Select((f, i) => i == 0 && !bestInHandler ? f with { Reliable = false } : f).ToList();
        var last = handler[^1];
        if (registers.IsUserMode)
            return new Backtrace(handler, UnwindMethod.Orc, UnwindEnd.UserSpace, "the CPU was running user code", direct.Description)
            { UserRegisters = last.ExceptionRegisters, Notes = [FrameZeroNote(scanned!, bestInHandler)] };
        var rest = parts.Unwinder.Unwind(direct, stacks, options with { MaxFrames = Math.Max(1, options.MaxFrames - handler.Count) }, cancellation);
        handler[^1] = last with { LeavesStack = scanned };
        var frames = handler.Concat(rest.Frames.Select((f, i) => f with { Index = handler.Count + i })).ToArray();
        if (options.FrameWords)
        {
            var words = parts.Unwinder.Unwind(new UnwindStart(handler[0].Ip, handler[0].StackAddress + 8, 0, handler[0].StackAddress, true, null, ""), stacks,
                probe with { FrameWords = true }, cancellation);
            for (int i = 0; i < handler.Count && i < words.Frames.Count; i++) frames[i] = frames[i] with { Words = words.Frames[i].Words };
        }
        return rest with { Frames = frames, Notes = [FrameZeroNote(scanned!, bestInHandler), .. rest.Notes] };
    }

    private static string FrameZeroNote(StackArea scanned, bool inHandler) => inHandler
        ? $"frame #0 found by scanning the {scanned.Name}: the stop handler's last call site (the CPU halts in that function)"
        : $"frame #0 found by scanning the {scanned.Name} (unreliable: not in a known stop handler)";

    private Parts Read()
    {
        var notes = new List<string>();
        IReadOnlyList<KernelModule> modules = [];
        try
        {
            var walk = ModuleList.ForEachModule(_kernel);
            modules = walk.Modules;
            if (walk.Problem is not null) notes.Add($"modules: {walk.Problem}");
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            notes.Add($"modules: {KernelDataErrors.Reason(e)}");
        }
        var code = new KernelCode(_kernel, modules);
        var orc = KernelOrc.TryRead(_kernel, code, out var orcProblem);
        if (orc is not null) notes.AddRange(orc.Notes);
        int? panicCpu = null;
        try
        {
            if (_kernel.HasSymbol("panic_cpu"))
            {
                long value = _kernel.Global("panic_cpu", "atomic_t")["counter"].ReadSigned();
                if (value >= 0 && value < _kernel.NrCpuIds) panicCpu = (int)value;
            }
        }
        catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
        {
            notes.Add($"panic_cpu: {KernelDataErrors.Reason(e)}");
        }
        Arm64FrameUnwinder? arm64 = null;
        string? arm64Problem = null;
        if (IsArm64)
        {
            try
            {
                var layout = Arm64StackLayout.Probe(_kernel);
                arm64 = new Arm64FrameUnwinder(_kernel.Memory, _kernel.Symbols, code, layout);
                notes.Add($"arm64: PAC mask {layout.PacMask:x16} ({layout.PacMaskOrigin}); sizeof(struct pt_regs) {layout.PtRegsSize}, stackframe at +{layout.StackFrameOffset}"
                    + (layout.MetaTypeOffset is null ? "" : " (struct frame_record_meta)"));
            }
            catch (Exception e) when (KernelDataErrors.IsDataProblem(e))
            {
                arm64Problem = $"arm64 stack layout unknown: {KernelDataErrors.Reason(e)}";
                notes.Add(arm64Problem);
            }
        }
        return new Parts(modules, code, orc, orc is null ? orcProblem : null, new KernelStackAreas(_kernel),
            new StackUnwinder(_kernel.Memory, _kernel.Symbols, code, orc), panicCpu, notes, arm64, arm64Problem);
    }

    private sealed record Parts(IReadOnlyList<KernelModule> Modules, KernelCode Code, KernelOrc? Orc, string? OrcProblem,
        KernelStackAreas Stacks, StackUnwinder Unwinder, int? PanicCpu, IReadOnlyList<string> Notes, Arm64FrameUnwinder? Arm64, string? Arm64Problem);
}
