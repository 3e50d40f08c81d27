using DumpScope.Sdk.Linux.Stack;

namespace DumpScope.Plugins.Stacks;

/// <summary>
/// A backtrace as a result table: one row per frame with typed cells (index, sp, function, offset, ip, module,
/// reliable, stack, registers), printed as text in crash's frame format
/// (<c> #1 [ffffd00b000a3ed8] schedule_idle+0x26 at ffffffffab2118e6 [module]</c>), exception and entry
/// registers as crash prints them, stack switches as <c>--- &lt;IRQ stack&gt; ---</c>.
/// </summary>
internal static class BacktraceTable
{
    /// <summary>Builds the block for one task's trace.</summary>
    /// <param name="kernelText">Names a kernel text address (null when it is not kernel text): arm64 exception frames name PC and LR as crash does.</param>
    public static TableBlock Build(TaskSummary task, Backtrace trace, bool words, ISourceLineResolver? lines = null, Func<ulong, SymbolMatch?>? kernelText = null)
    {
        var columns = new List<Column>
        {
            new("#", CellKind.Integer, "index"),
            new("SP", CellKind.Address, "sp"),
            new("FUNCTION", CellKind.Text, "function"),
            new("OFFSET", CellKind.Hex, "offset"),
            new("IP", CellKind.Address, "ip"),
            new("MODULE", CellKind.Text, "module"),
            new("RELIABLE", CellKind.Bool, "reliable"),
            new("STACK", CellKind.Text, "stack"),
            new("REGISTERS", CellKind.Text, "registers"),
        };
        if (words) columns.Add(new Column("WORDS", CellKind.Text, "words"));
        if (lines is not null) columns.Add(new Column("SOURCE", CellKind.Text, "source"));
        var table = new TableBlock(columns.ToArray()) { Title = task.Header, TextFromRows = true };
        for (int f = 0; f < trace.Frames.Count; f++)
        {
            var frame = trace.Frames[f];
            // The interrupted code is the next frame, named there.
            string rip = f + 1 < trace.Frames.Count && frame.ExceptionRegisters is { } r && trace.Frames[f + 1].Ip == r.Ip
                ? trace.Frames[f + 1].Function
                : $"{frame.ExceptionRegisters?.Ip ?? 0:x}";
            var cells = new List<Cell>
            {
                Cell.Int(frame.Index),
                Cell.Address(frame.StackAddress),
                frame.Symbol is { } s ? Cell.Text(s.Symbol.Name) : Cell.NotAvailable("no symbol at this address"),
                frame.Symbol is { } o ? Cell.Hex(o.Offset) : Cell.NotApplicable(CellKind.Hex),
                Cell.Address(frame.Ip),
                frame.Module is { } m ? Cell.Text(m) : Cell.NotApplicable(),
                Cell.Bool(frame.Reliable),
                frame.Stack is { } stack ? Cell.Text(stack.Name) : Cell.NotAvailable("on no known stack"),
                frame.ExceptionRegisters is { } regs ? Cell.Text(OneLine(regs)) : Cell.NotApplicable(),
            };
            if (words) cells.Add(frame.Words is { } w ? Cell.Text(string.Join(' ', w.Select(x => $"{x.Value:x16}"))) : Cell.NotAvailable("not read"));
            SourceLine? source = null;
            if (lines is not null) cells.Add(SourceCell(lines, frame, out source));
            var row = table.AddRow(cells.ToArray());
            row.Text = FrameText(frame, words, rip, source, kernelText);
            row.WithTarget("code", new AddressTarget(frame.Ip));
        }
        if (trace.Frames.Count == 0 && trace.UserRegisters is { } user)
        {
            var cells = new List<Cell>
            {
                Cell.NotApplicable(CellKind.Integer), Cell.Address(user.Sp), Cell.Text("(user space)"),
                Cell.NotApplicable(CellKind.Hex), Cell.Address(user.Ip), Cell.NotApplicable(),
                Cell.Bool(true), Cell.Text("user stack"), Cell.Text(OneLine(user)),
            };
            if (words) cells.Add(Cell.NotApplicable());
            if (lines is not null) cells.Add(Cell.NotApplicable());
            table.AddRow(cells.ToArray()).Text = Registers(user, exceptionRip: null, kernelText);
        }
        return table;
    }

    /// <summary>crash's frame line, then saved registers, frame words and the stack switch after it.</summary>
    public static string FrameText(StackFrame frame, bool words, string exceptionRip, SourceLine? source = null, Func<ulong, SymbolMatch?>? kernelText = null)
    {
        var text = new StringBuilder();
        string index = "#" + frame.Index.ToString(CultureInfo.InvariantCulture);
        text.Append(index.PadLeft(3)).Append(" [").Append(frame.StackAddress.ToString("x16", CultureInfo.InvariantCulture)).Append("] ");
        if (!frame.Reliable) text.Append("? ");
        text.Append(frame.Function).Append(" at ").Append(frame.Ip.ToString("x16", CultureInfo.InvariantCulture));
        if (frame.Module is { } module) text.Append(" [").Append(module).Append(']');
        // crash's bt -l: the source position on its own line under the frame.
        if (source is { } line) text.Append("\n    ").Append(line.File).Append(": ").Append(line.Line.ToString(CultureInfo.InvariantCulture));
        if (words && frame.Words is { Count: > 0 } w)
            for (int i = 0; i < w.Count; i += 2)
            {
                text.Append("\n    ").Append(w[i].Address.ToString("x16", CultureInfo.InvariantCulture)).Append(": ").Append(w[i].Value.ToString("x16", CultureInfo.InvariantCulture));
                if (i + 1 < w.Count) text.Append(' ').Append(w[i + 1].Value.ToString("x16", CultureInfo.InvariantCulture));
            }
        if (frame.ExceptionRegisters is { } regs)
            text.Append('\n').Append(Registers(regs, regs.IsUserMode ? null : exceptionRip, kernelText));
        if (frame.LeavesStack is { } left) text.Append("\n--- <").Append(left.Name).Append("> ---");
        return text.ToString();
    }

    // The line of the call for a return address (IP - 1), of the instruction itself otherwise.
    private static Cell SourceCell(ISourceLineResolver lines, StackFrame frame, out SourceLine? source)
    {
        source = null;
        try
        {
            source = lines.Resolve(frame.LookupAddress);
            return source is { } s ? Cell.Text(s.ToString()) : Cell.NotAvailable("no line table covers this address");
        }
        catch (InvalidDataException e)
        {
            return Cell.Unreadable(e.Message);
        }
    }

    /// <summary>crash's register block: <c>[exception RIP: f+off]</c> for kernel registers, then the registers.</summary>
    public static string Registers(SavedRegisters saved, string? exceptionRip, Func<ulong, SymbolMatch?>? kernelText = null) => saved switch
    {
        PtRegs x86 => Registers(x86, exceptionRip),
        Arm64PtRegs arm => Arm64Registers(arm, exceptionRip, kernelText),
        _ => "    " + string.Join(' ', saved.Named.Select(r => $"{r.Name}={r.Value:x}")),
    };

    /// <summary>
    /// crash's arm64 exception frame (arm64_print_exception_frame): kernel mode names PC and LR
    /// (through <paramref name="kernelText"/>, offsets in decimal as crash's default radix prints them; without it
    /// <paramref name="exceptionPc"/>, the interrupted PC's name), then X29…X0 three to a line, then ORIG_X0 and
    /// SYSCALLNO (and PSTATE for user mode); AArch32 user registers as X12…X0, four to a line.
    /// </summary>
    public static string Arm64Registers(Arm64PtRegs regs, string? exceptionPc, Func<ulong, SymbolMatch?>? kernelText = null)
    {
        string Bracket(ulong address, string? fallback) => kernelText?.Invoke(address) is { } m
            ? (m.Offset == 0 ? $"[{m.Symbol.Name}]" : $"[{m.Symbol.Name}+{m.Offset.ToString(CultureInfo.InvariantCulture)}]")
            : kernelText is null && fallback is not null ? $"[{fallback}]" : "[unknown or invalid address]";
        var text = new StringBuilder();
        static string H(ulong v) => v.ToString("x16", CultureInfo.InvariantCulture);
        bool compat = regs.IsCompat;
        ulong lr = compat ? regs.X(14) : regs.Lr, sp = compat ? regs.X(13) : regs.Sp;
        if (regs.IsUserMode)
            text.Append(compat
                ? $"     PC: {regs.Pc:x8}  LR: {lr:x8}  SP: {sp:x8}  PSTATE: {regs.Pstate:x8}\n    "
                : $"     PC: {H(regs.Pc)}   LR: {H(lr)}   SP: {H(sp)}\n    ");
        else
        {
            text.Append($"     PC: {H(regs.Pc)}  {Bracket(regs.Pc, exceptionPc)}\n");
            text.Append($"     LR: {H(lr)}  {Bracket(lr, null)}\n");
            text.Append($"     SP: {H(sp)}  PSTATE: {regs.Pstate:x8}\n    ");
        }
        int top = compat ? 12 : 29, rows = compat ? 4 : 3;
        for (int i = top, r = 1; i >= 0; r++, i--)
        {
            text.Append(i < 10 ? " " : "").Append('X').Append(i.ToString(CultureInfo.InvariantCulture)).Append(": ");
            text.Append(compat ? regs.X(i).ToString("x8", CultureInfo.InvariantCulture) : H(regs.X(i)));
            text.Append(i == 0 || r % rows == 0 ? "\n    " : compat ? " " : "  ");
        }
        if (!compat)
        {
            text.Append($"ORIG_X0: {H(regs.OrigX0 ?? 0)}  SYSCALLNO: {regs.SyscallNo ?? 0:x}");
            if (regs.IsUserMode) text.Append($"  PSTATE: {regs.Pstate:x8}");
        }
        return text.ToString().TrimEnd();
    }

    private static string Registers(PtRegs regs, string? exceptionRip)
    {
        var text = new StringBuilder();
        string H(PtRegsField f) => regs[f].ToString("x16", CultureInfo.InvariantCulture);
        if (exceptionRip is not null) text.Append("    [exception RIP: ").Append(exceptionRip).Append("]\n");
        text.Append($"    RIP: {H(PtRegsField.Ip)}  RSP: {H(PtRegsField.Sp)}  RFLAGS: {regs[PtRegsField.Flags]:x8}");
        if (!regs.IsPartial)
        {
            text.Append($"\n    RAX: {H(PtRegsField.Ax)}  RBX: {H(PtRegsField.Bx)}  RCX: {H(PtRegsField.Cx)}");
            text.Append($"\n    RDX: {H(PtRegsField.Dx)}  RSI: {H(PtRegsField.Si)}  RDI: {H(PtRegsField.Di)}");
            text.Append($"\n    RBP: {H(PtRegsField.Bp)}   R8: {H(PtRegsField.R8)}   R9: {H(PtRegsField.R9)}");
            text.Append($"\n    R10: {H(PtRegsField.R10)}  R11: {H(PtRegsField.R11)}  R12: {H(PtRegsField.R12)}");
            text.Append($"\n    R13: {H(PtRegsField.R13)}  R14: {H(PtRegsField.R14)}  R15: {H(PtRegsField.R15)}");
            text.Append($"\n    ORIG_RAX: {H(PtRegsField.OrigAx)}  CS: {regs.Cs:x4}  SS: {regs[PtRegsField.Ss]:x4}");
        }
        else text.Append($"\n    CS: {regs.Cs:x4}  SS: {regs[PtRegsField.Ss]:x4}");
        return text.ToString();
    }

    private static string OneLine(SavedRegisters regs) => string.Join(' ', regs.Named.Select(r => $"{r.Name}={r.Value:x}"));
}
