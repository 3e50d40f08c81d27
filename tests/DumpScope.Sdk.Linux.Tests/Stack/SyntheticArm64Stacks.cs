using DumpScope.Sdk.Linux.Modules;
using DumpScope.Sdk.Linux.Stack;

namespace DumpScope.Sdk.Linux.Tests.Stack;

/// <summary>
/// A made-up arm64 kernel for unwinder tests: functions in a text region whose first part is the exception entry
/// text, a task stack with its final pt_regs at the top, an IRQ stack, frame records written word by word, and
/// return addresses signed with made-up PAC bits the unwinder must strip.
/// </summary>
internal sealed class SyntheticArm64Stacks
{
    public const ulong Text = 0xffff800008010000UL;
    public const ulong EntryText = Text + 0x1000;
    public const ulong EntryTextEnd = EntryText + 0x1000;
    public const ulong TextEnd = Text + 0x100000;
    public const ulong TaskStack = 0xffff80000a000000UL;
    public const ulong IrqStack = 0xffff800008000000UL - 0x100000;
    public const ulong Size = 0x4000;

    // 6.1's struct pt_regs: regs[31], sp, pc, pstate, orig_x0, syscallno (s32), …, stackframe[2] at 0x130; 0x150 bytes.
    public static readonly Arm64StackLayout Layout = new()
    {
        PtRegsSize = 0x150,
        RegsOffset = 0,
        SpOffset = 0xf8,
        PcOffset = 0x100,
        PstateOffset = 0x108,
        OrigX0Offset = 0x110,
        SyscallNoOffset = 0x118,
        StackFrameOffset = 0x130,
        CpuContextOffset = 0x1000,
        PacMask = 0xffff000000000000UL,
        PacMaskOrigin = "test",
    };

    /// <summary>The same with 6.13's struct frame_record_meta (the type after the 16-byte record).</summary>
    public static readonly Arm64StackLayout MetaLayout = Layout with { MetaTypeOffset = 0x130 + 0x10, PtRegsSize = 0x160 };

    private ulong _next = Text + 0x100, _nextEntry = EntryText + 0x100;

    public SyntheticArm64Stacks()
    {
        Kernel.Symbols.Add("_stext", Text, 'T');
        Kernel.Symbols.Add("_etext", TextEnd, 'T');
        Kernel.Symbols.Add("__entry_text_start", EntryText, 'T');
        Kernel.Symbols.Add("__entry_text_end", EntryTextEnd, 'T');
        for (ulong at = 0; at < Size; at += SyntheticMemory.PageSize)
        {
            Kernel.Memory.Write(TaskStack + at, new byte[SyntheticMemory.PageSize]);
            Kernel.Memory.Write(IrqStack + at, new byte[SyntheticMemory.PageSize]);
        }
    }

    public SyntheticKernel Kernel { get; } = new(SyntheticTypes.WithListTypes());

    public StackArea Task { get; } = new(TaskStack, TaskStack + Size, StackKind.Task, "task stack");
    public StackArea Irq { get; } = new(IrqStack, IrqStack + Size, StackKind.Irq, "IRQ stack", 0);

    /// <summary>Where the final frame record lies for <paramref name="layout"/>: task_pt_regs()->stackframe.</summary>
    public static ulong FinalRecord(Arm64StackLayout layout) => TaskStack + Size - layout.PtRegsSize + layout.StackFrameOffset;

    /// <summary>Adds a function of 0x100 bytes (in the entry text when asked); returns its start.</summary>
    public ulong Function(string name, bool entry = false)
    {
        ulong start = entry ? _nextEntry : _next;
        if (entry) _nextEntry += 0x100;
        else _next += 0x100;
        Kernel.Symbols.Add(name, start, 'T');
        return start;
    }

    /// <summary>A return address into <paramref name="function"/>, signed: PAC bits 48–54 replaced by a pattern.</summary>
    public static ulong Signed(ulong function, ulong offset = 0x20) => ((function + offset) & ~(0x7fUL << 48)) | (0x5aUL << 48);

    public void Word(ulong address, ulong value) => Kernel.Memory.WriteU64(address, value);

    /// <summary>A frame record {fp, lr} at <paramref name="at"/>.</summary>
    public void Record(ulong at, ulong fp, ulong lr)
    {
        Word(at, fp);
        Word(at + 8, lr);
    }

    /// <summary>A pt_regs at <paramref name="at"/>: pc, sp, x29, x30, pstate.</summary>
    public void Regs(ulong at, ulong pc, ulong sp, ulong fp, ulong pstate, ulong lr = 0, Arm64StackLayout? layout = null)
    {
        var l = layout ?? Layout;
        Kernel.Memory.Write(at, new byte[(int)l.PtRegsSize]);
        Word(at + l.RegsOffset + 29 * 8, fp);
        Word(at + l.RegsOffset + 30 * 8, lr);
        Word(at + l.SpOffset, sp);
        Word(at + l.PcOffset, pc);
        Word(at + l.PstateOffset, pstate);
        Word(at + l.OrigX0Offset!.Value, 3);
        Word(at + l.SyscallNoOffset!.Value, 64);
    }

    public Arm64FrameUnwinder Unwinder(Arm64StackLayout? layout = null) =>
        new(Kernel.Memory, Kernel.Symbols, new KernelCode(Kernel, Array.Empty<KernelModule>()), layout ?? Layout);

    public static string[] Names(Backtrace trace) => trace.Frames.Select(f => f.Symbol?.Symbol.Name ?? $"{f.Ip:x}").ToArray();
}
