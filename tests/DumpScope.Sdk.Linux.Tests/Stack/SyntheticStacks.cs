using DumpScope.Sdk.Linux.Modules;
using DumpScope.Sdk.Linux.Stack;

namespace DumpScope.Sdk.Linux.Tests.Stack;

/// <summary>
/// A made-up x86-64 kernel for unwinder tests: functions in a text region (each preceded by a call
/// instruction at every return address used), the ORC tables the kernel would carry for them (in any entry
/// layout), and stacks written word by word.
/// </summary>
internal sealed class SyntheticStacks
{
    public const ulong Text = 0xffffffff81000000UL;
    public const ulong TextEnd = Text + 0x10000;
    public const ulong IpTable = 0xffffffff82000000UL;
    public const ulong EntryTable = 0xffffffff82100000UL;
    public const ulong TaskStack = 0xffffc90000010000UL;
    public const ulong IrqStack = 0xffffc90000100000UL;
    public const ulong NmiStack = 0xfffffe0000010000UL;
    public const ulong Size = 0x4000;

    private readonly List<(ulong Ip, OrcEntry Entry)> _orc = [];
    private ulong _next = Text + 0x100;

    public SyntheticStacks()
    {
        Kernel.Symbols.Add("_stext", Text);
        Kernel.Symbols.Add("_etext", TextEnd);
        // Stack pages exist (zeroed) so that only what a test excludes faults.
        for (ulong at = 0; at < Size; at += SyntheticMemory.PageSize)
        {
            Kernel.Memory.Write(TaskStack + at, new byte[SyntheticMemory.PageSize]);
            Kernel.Memory.Write(IrqStack + at, new byte[SyntheticMemory.PageSize]);
            Kernel.Memory.Write(NmiStack + at, new byte[SyntheticMemory.PageSize]);
        }
    }

    public SyntheticKernel Kernel { get; } = new(SyntheticTypes.WithListTypes());

    public StackArea Task { get; } = new(TaskStack, TaskStack + Size, StackKind.Task, "task stack");
    public StackArea Irq { get; } = new(IrqStack, IrqStack + Size, StackKind.Irq, "IRQ stack", 0);
    public StackArea Nmi { get; } = new(NmiStack, NmiStack + Size, StackKind.Exception, "NMI exception stack", 0);

    /// <summary>Adds a function of 0x100 bytes whose whole body has one ORC entry; returns its start.</summary>
    public ulong Function(string name, OrcEntry entry)
    {
        ulong start = _next;
        _next += 0x100;
        Kernel.Symbols.Add(name, start);
        _orc.Add((start, entry));
        return start;
    }

    /// <summary>A return address inside <paramref name="function"/>, right after a 5-byte call.</summary>
    public ulong ReturnInto(ulong function, ulong offset = 0x20)
    {
        ulong ret = function + offset;
        Kernel.Memory.Write(ret - 5, [0xe8, 0, 0, 0, 0]);
        return ret;
    }

    public void Word(ulong address, ulong value) => Kernel.Memory.WriteU64(address, value);

    /// <summary>A pt_regs at <paramref name="address"/> with ip, sp, bp and cs.</summary>
    public void Regs(ulong address, ulong ip, ulong sp, ulong bp = 0, ulong cs = 0x10)
    {
        Kernel.Memory.Write(address, new byte[PtRegs.Size]);
        Word(address + 8 * (ulong)PtRegsField.Ip, ip);
        Word(address + 8 * (ulong)PtRegsField.Sp, sp);
        Word(address + 8 * (ulong)PtRegsField.Bp, bp);
        Word(address + 8 * (ulong)PtRegsField.Cs, cs);
        Word(address + 8 * (ulong)PtRegsField.Flags, 0x246);
        Word(address + 8 * (ulong)PtRegsField.Ss, cs == 0x10 ? 0x18UL : 0x2b);
    }

    /// <summary>Writes the ORC tables in <paramref name="layout"/> and their symbols.</summary>
    public void WriteOrc(OrcLayout layout = OrcLayout.TypeEnd)
    {
        var sorted = _orc.OrderBy(o => o.Ip).ToList();
        // A terminator past the last function, as the linker script's weak entries give.
        sorted.Add((_next, new OrcEntry(0, 0, OrcRegister.Undefined, OrcRegister.Undefined, OrcFrameType.Undefined, false)));
        var ips = new byte[sorted.Count * 4];
        var entries = new byte[sorted.Count * OrcEntry.Size];
        for (int i = 0; i < sorted.Count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(ips.AsSpan(i * 4), (int)(long)(sorted[i].Ip - (IpTable + (ulong)i * 4)));
            Encode(sorted[i].Entry, layout).CopyTo(entries.AsSpan(i * OrcEntry.Size));
        }
        Kernel.Memory.Write(IpTable, ips);
        Kernel.Memory.Write(EntryTable, entries);
        Kernel.Symbols.Add("__start_orc_unwind_ip", IpTable);
        Kernel.Symbols.Add("__stop_orc_unwind_ip", IpTable + (ulong)ips.Length);
        Kernel.Symbols.Add("__start_orc_unwind", EntryTable);
        Kernel.Symbols.Add("__stop_orc_unwind", EntryTable + (ulong)entries.Length);
    }

    /// <summary>The unwinder over this kernel (ORC when <see cref="WriteOrc"/> ran, else frame pointers).</summary>
    public StackUnwinder Unwinder(out KernelOrc? orc)
    {
        var code = new KernelCode(Kernel, Array.Empty<KernelModule>());
        orc = KernelOrc.TryRead(Kernel, code, out _);
        return new StackUnwinder(Kernel.Memory, Kernel.Symbols, code, orc);
    }

    public string[] Names(Backtrace trace) => trace.Frames.Select(f => f.Symbol?.Symbol.Name ?? $"{f.Ip:x}").ToArray();

    /// <summary>struct orc_entry bytes of an entry in a layout.</summary>
    public static byte[] Encode(OrcEntry e, OrcLayout layout)
    {
        bool newest = layout is OrcLayout.TypeSignal or OrcLayout.TypeSignalRenumbered;
        int type = newest
            ? e.Type switch { OrcFrameType.Undefined => 0, OrcFrameType.EndOfStack => 1, OrcFrameType.Call => 2, OrcFrameType.Regs => 3, _ => 4 }
            : e.Type switch { OrcFrameType.Regs => 1, OrcFrameType.RegsPartial => 2, _ => 0 };
        int Number(OrcRegister r) => layout != OrcLayout.TypeSignalRenumbered ? (int)r : r switch
        {
            OrcRegister.Sp => 3, OrcRegister.PrevSp => 8, OrcRegister.BpIndirect => 10,
            OrcRegister.Di => throw new ArgumentException("DI has no known number in the renumbered set"),
            _ => (int)r,
        };
        int word = Number(e.SpRegister) | Number(e.BpRegister) << 4 | type << 8;
        if (!newest && e.Type == OrcFrameType.EndOfStack) word |= 0x400;
        if (layout != OrcLayout.TypeEnd && e.Signal) word |= 0x800;
        var bytes = new byte[OrcEntry.Size];
        BinaryPrimitives.WriteInt16LittleEndian(bytes, e.SpOffset);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2), e.BpOffset);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), (ushort)word);
        return bytes;
    }

    /// <summary>A plain function: no frame, the return address at the stack pointer (CFA = SP + 8).</summary>
    public static OrcEntry Leaf => new(8, 0, OrcRegister.Sp, OrcRegister.Undefined, OrcFrameType.Call, false);

    /// <summary>The outermost function of a kernel stack.</summary>
    public static OrcEntry End => new(0, 0, OrcRegister.Undefined, OrcRegister.Undefined, OrcFrameType.EndOfStack, false);
}
