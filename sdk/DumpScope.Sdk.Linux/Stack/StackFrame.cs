namespace DumpScope.Sdk.Linux.Stack;

/// <summary>One frame of a backtrace.</summary>
public sealed record StackFrame
{
    /// <summary>The frame's number, 0 for the innermost.</summary>
    public required int Index { get; init; }

    /// <summary>
    /// The stack address crash prints in brackets: where the frame's return address is stored, or the stack
    /// pointer itself for a frame entered from registers (the first frame, an interrupted context).
    /// </summary>
    public required ulong StackAddress { get; init; }

    /// <summary>The code address: a return address, or the interrupted/current instruction.</summary>
    public required ulong Ip { get; init; }

    /// <summary>
    /// True when <see cref="Ip"/> is a return address (the instruction after a call), false for an interrupted
    /// or current instruction. The call's own line is at IP - 1 (bt -l looks there).
    /// </summary>
    public bool IsReturnAddress { get; init; }

    /// <summary>The address whose symbol and source line the frame shows: IP - 1 for a return address, else IP.</summary>
    public ulong LookupAddress => IsReturnAddress && Ip != 0 ? Ip - 1 : Ip;

    /// <summary>
    /// The symbol the frame is in. For a return address this is looked up at IP - 1 (a call as the last
    /// instruction of a function returns to the next function's start), as the kernel's %pB does.
    /// </summary>
    public SymbolMatch? Symbol { get; init; }

    /// <summary>The module holding the code, null for vmlinux.</summary>
    public string? Module => Symbol?.Symbol.Module;

    /// <summary>False for frames found by guessing (a text scan, or frame pointers after ORC data was missing).</summary>
    public required bool Reliable { get; init; }

    /// <summary>The stack the frame's stack address is on, when known.</summary>
    public StackArea? Stack { get; init; }

    /// <summary>
    /// Registers saved by an exception, interrupt or system-call entry in this frame (crash prints them after
    /// the frame). When they are kernel registers the next frame is the interrupted code.
    /// </summary>
    public SavedRegisters? ExceptionRegisters { get; init; }

    /// <summary>Set when the next frame is on another stack: the stack this frame is on (crash's "--- &lt;IRQ stack&gt; ---").</summary>
    public StackArea? LeavesStack { get; init; }

    /// <summary>The stack words from this frame's stack address up to the next frame's (bt -f), when asked for.</summary>
    public IReadOnlyList<(ulong Address, ulong Value)>? Words { get; init; }

    /// <summary>The function's name and offset as crash's bt -s prints it ("__schedule+0x2dd"), or the raw address.</summary>
    public string Function => Symbol is { } s ? (s.Offset == 0 ? s.Symbol.Name : $"{s.Symbol.Name}+0x{s.Offset:x}") : $"{Ip:x}";
}
