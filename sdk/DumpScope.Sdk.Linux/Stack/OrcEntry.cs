namespace DumpScope.Sdk.Linux.Stack;

/// <summary>The base registers an ORC entry names (the kernel's ORC_REG_* numbers, unchanged since ORC began in 4.14).</summary>
public enum OrcRegister : byte
{
    /// <summary>ORC_REG_UNDEFINED: no rule (the register did not change, or the stack ends here).</summary>
    Undefined = 0,
    /// <summary>ORC_REG_PREV_SP: the caller's stack pointer (the canonical frame address).</summary>
    PrevSp = 1,
    /// <summary>ORC_REG_DX, taken from full pt_regs.</summary>
    Dx = 2,
    /// <summary>ORC_REG_DI, taken from full pt_regs.</summary>
    Di = 3,
    /// <summary>ORC_REG_BP.</summary>
    Bp = 4,
    /// <summary>ORC_REG_SP.</summary>
    Sp = 5,
    /// <summary>ORC_REG_R10, taken from full pt_regs.</summary>
    R10 = 6,
    /// <summary>ORC_REG_R13, taken from full pt_regs.</summary>
    R13 = 7,
    /// <summary>ORC_REG_BP_INDIRECT: the value stored at BP + offset.</summary>
    BpIndirect = 8,
    /// <summary>ORC_REG_SP_INDIRECT: the value stored at SP, plus the offset (commit 2a512829840e "x86/unwind/orc: Change REG_SP_INDIRECT"; unused before it).</summary>
    SpIndirect = 9,
}

/// <summary>
/// What an ORC entry says the frame is, with the numbering of every layout mapped onto one set: the original
/// layout had CALL 0, REGS 1, REGS_PARTIAL 2 plus an <c>end</c> bit; commit fb799447ae29 ("x86,objtool: Split
/// UNWIND_HINT_EMPTY in two") renumbered them UNDEFINED 0, END_OF_STACK 1, CALL 2, REGS 3, REGS_PARTIAL 4.
/// </summary>
public enum OrcFrameType : byte
{
    /// <summary>No unwind information: the unwind cannot go on (ORC_TYPE_UNDEFINED, or an undefined SP without <c>end</c>).</summary>
    Undefined,
    /// <summary>The outermost frame of a kernel stack (ORC_TYPE_END_OF_STACK, or an undefined SP with <c>end</c> set).</summary>
    EndOfStack,
    /// <summary>A normal call frame: the return address sits just below the previous SP.</summary>
    Call,
    /// <summary>The previous SP points to a full struct pt_regs (an exception or interrupt entry).</summary>
    Regs,
    /// <summary>The previous SP points to the hardware iret frame inside a pt_regs.</summary>
    RegsPartial,
}

/// <summary>One decoded struct orc_entry: how to find the caller's SP, BP and IP at a code address.</summary>
/// <param name="SpOffset">sp_offset: added to the SP base register.</param>
/// <param name="BpOffset">bp_offset: where the caller's BP was saved, relative to its base.</param>
/// <param name="SpRegister">sp_reg.</param>
/// <param name="BpRegister">bp_reg.</param>
/// <param name="Type">The frame type, normalised over the layouts.</param>
/// <param name="Signal">
/// The <c>signal</c> bit (commit ffb1b4a41016 "x86/unwind/orc: Add 'signal' field to ORC metadata"): the next
/// frame's IP is where an exception hit, not a return address. Layouts without the bit report false.
/// </param>
public readonly record struct OrcEntry(short SpOffset, short BpOffset, OrcRegister SpRegister, OrcRegister BpRegister, OrcFrameType Type, bool Signal)
{
    /// <summary>The size of struct orc_entry in every layout: two s16 and a 16-bit word of bit fields.</summary>
    public const int Size = 6;

    /// <summary>
    /// The entry the kernel assumes for code without ORC data (BPF, generated code): a frame-pointer frame,
    /// CFA = BP + 16, the caller's BP saved at CFA - 16.
    /// </summary>
    public static OrcEntry FramePointer { get; } = new(16, -16, OrcRegister.Bp, OrcRegister.PrevSp, OrcFrameType.Call, false);

    /// <summary>The entry the kernel assumes at IP 0 (a call through a NULL function pointer): CFA = SP + 8.</summary>
    public static OrcEntry NullCall { get; } = new(8, 0, OrcRegister.Sp, OrcRegister.Undefined, OrcFrameType.Call, false);

    /// <inheritdoc/>
    public override string ToString() => $"sp:{SpRegister}{SpOffset:+0;-0} bp:{BpRegister}{BpOffset:+0;-0} type:{Type}{(Signal ? " signal" : "")}";
}
