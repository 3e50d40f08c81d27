namespace DumpScope.Sdk.Linux.Stack;

/// <summary>Why a backtrace ended.</summary>
public enum UnwindEnd
{
    /// <summary>The unwind data marks the outermost frame (a kernel thread's ret_from_fork, the boot stack).</summary>
    EndOfStack,
    /// <summary>The next frame is user space: the registers the kernel was entered with are the last frame's.</summary>
    UserSpace,
    /// <summary>A guessing mode (text scan) reached the end of the stack.</summary>
    ScanComplete,
    /// <summary>No unwind information for a code address (and no usable fallback).</summary>
    NoUnwindInfo,
    /// <summary>A return address that is not kernel text.</summary>
    BadReturnAddress,
    /// <summary>The next stack pointer is outside every stack of the task and its CPU.</summary>
    OutsideStack,
    /// <summary>The stack pointer did not move up (or a frame repeated): a loop in corrupt data.</summary>
    Loop,
    /// <summary>Memory the unwind needs is unreadable (an excluded page, not in the dump).</summary>
    Unreadable,
    /// <summary>The frame limit was reached.</summary>
    FrameLimit,
    /// <summary>There is nothing to unwind (no starting registers).</summary>
    NoStart,
}

/// <summary>How the frames were found.</summary>
public enum UnwindMethod
{
    /// <summary>The kernel's ORC tables.</summary>
    Orc,
    /// <summary>The frame-pointer chain (RBP).</summary>
    FramePointer,
    /// <summary>A scan of the stack for return addresses: every frame is a guess.</summary>
    Guess,
}

/// <summary>A task's or CPU's backtrace: the frames, how they were found, and why the trace ended.</summary>
/// <param name="Frames">Innermost first.</param>
/// <param name="Method">The unwinder used.</param>
/// <param name="End">Why it ended.</param>
/// <param name="Reason">The end in words ("page excluded: kernel virtual address: …").</param>
/// <param name="Start">Where the starting registers came from ("thread.sp (inactive_task_frame)", "PRSTATUS of CPU 2").</param>
public sealed record Backtrace(IReadOnlyList<StackFrame> Frames, UnwindMethod Method, UnwindEnd End, string Reason, string Start)
{
    /// <summary>True when the trace ended where a stack ends (not cut by bad or missing data).</summary>
    public bool IsComplete => End is UnwindEnd.EndOfStack or UnwindEnd.UserSpace or UnwindEnd.ScanComplete;

    /// <summary>
    /// The user-mode registers the task entered the kernel with, when the trace reached them (also set, with
    /// no frames, for a CPU that was running user code).
    /// </summary>
    public SavedRegisters? UserRegisters { get; init; }

    /// <summary>Notes on how the trace was made (a fallback from ORC to frame pointers, a recovered NMI frame).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>Where an unwind starts.</summary>
/// <param name="Ip">The first frame's code address.</param>
/// <param name="Sp">The stack pointer at it.</param>
/// <param name="Bp">The frame pointer at it (x86-64 rbp, arm64 x29).</param>
/// <param name="StackAddress">The first frame's bracketed stack address.</param>
/// <param name="IsReturnAddress">True when <paramref name="Ip"/> is a return address (look up unwind data at IP - 1).</param>
/// <param name="Registers">Full registers when the start is an interrupted or saved context.</param>
/// <param name="Description">Where the start came from, for the header and messages.</param>
public sealed record UnwindStart(ulong Ip, ulong Sp, ulong Bp, ulong StackAddress, bool IsReturnAddress, SavedRegisters? Registers, string Description)
{
    /// <summary>A start at saved registers (PRSTATUS, a pt_regs): the first frame is the registers' IP.</summary>
    public static UnwindStart FromRegisters(SavedRegisters registers, string description) =>
        new(registers.Ip, registers.Sp, registers.FramePointer, registers.Sp, IsReturnAddress: false, registers, description);
}

/// <summary>Options of an unwind.</summary>
public sealed record UnwindOptions
{
    /// <summary>The default frame limit.</summary>
    public const int DefaultMaxFrames = 256;

    /// <summary>The unwinder; null picks ORC when the kernel has ORC tables, else frame pointers.</summary>
    public UnwindMethod? Method { get; init; }

    /// <summary>At most this many frames.</summary>
    public int MaxFrames { get; init; } = DefaultMaxFrames;

    /// <summary>Collect each frame's stack words (bt -f).</summary>
    public bool FrameWords { get; init; }
}
