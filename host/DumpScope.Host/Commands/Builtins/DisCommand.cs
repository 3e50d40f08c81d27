using System.Runtime.CompilerServices;
using DumpScope.Host.Expressions;
using Iced.Intel;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>
/// crash's <c>dis</c>: x86-64 instructions decoded (Iced, GNU AT&amp;T syntax like objdump) from the dump's memory, so
/// what is shown is the code as the kernel ran it (KASLR-relocated, alternatives and ftrace patched). Call and jump
/// targets and RIP-relative operands are symbolised. A symbol (or <c>-f</c>) gives the whole function, up to the next
/// symbol; <c>-r</c> the function from its start up to ADDR; otherwise COUNT instructions (default 1).
/// </summary>
[Command("dis", Help = "disassemble: dis [-r] [-f] ADDR|SYMBOL [COUNT]  (a symbol alone: its whole function)",
    Examples = ["dis schedule  the whole function", "dis -r schedule+0x10  from the function's start to there", "dis ffffffff9d411545 4  four instructions"],
    SeeAlso = ["sym", "rd", "bt"])]
public sealed class DisCommand : ICommand
{
    /// <summary>Longest stretch decoded as one function (the next symbol can be far after a function's end).</summary>
    public const int MaxFunctionBytes = 256 * 1024;

    private static readonly ConditionalWeakTable<ISymbolTable, ulong[]> TextStarts = new();

    /// <summary>-r: from the function's start to ADDR.</summary>
    [Option("-r", Help = "from the start of the function up to and including the instruction at ADDR")]
    public bool Reverse { get; set; }

    /// <summary>-f: from ADDR to the function's end.</summary>
    [Option("-f", Help = "from ADDR to the end of its function")]
    public bool Function { get; set; }

    /// <summary>-l: source lines from the vmlinux's (or a module's) DWARF line table.</summary>
    [Option("-l", Help = "show the source file and line of each instruction (needs --vmlinux with DWARF, or mod -S for a module)")]
    public bool Lines { get; set; }

    /// <summary>The address.</summary>
    [Argument(0, Name = "ADDR", Required = true, Help = "hex address, symbol or symbol+offset")]
    public string Address { get; set; } = "";

    /// <summary>How many instructions.</summary>
    [Argument(1, Name = "COUNT", Help = "number of instructions (default: the whole function for a symbol, else 1)", Minimum = 1)]
    public int? Count { get; set; }

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        // The decoder is Iced's: x86-64 only; arm64 code would decode as nonsense.
        if (kernel.Architecture != "x86_64")
            return CommandResult.Fail($"dis: only x86-64 code can be disassembled; this kernel is {kernel.Architecture} (read the code with rd and decode it elsewhere)");
        var lines = Lines ? context.Services.GetService(typeof(ISourceLineResolver)) as ISourceLineResolver : null;
        if (Lines && lines is not { IsAvailable: true })
            throw new UsageException($"dis -l: no source lines: {lines?.Source ?? "no kernel"}; give --vmlinux FILE with DWARF (or mod -S DIR for modules)");
        if (Reverse && (Function || Count is not null)) throw new UsageException("dis: -r takes neither -f nor COUNT");
        ulong address = ExpressionEvaluator.EvaluateAddress(kernel, Address);
        var symbol = kernel.Symbols.Lookup(address);
        var (functionStart, functionEnd) = Bounds(kernel.Symbols, address, symbol);

        ulong from = address, to;
        int limit = int.MaxValue;
        if (Reverse)
        {
            if (functionStart is null) return CommandResult.Fail($"dis: no symbol holds {address:x}, so its function's start is unknown");
            from = functionStart.Value;
            to = address + 1;
        }
        else if (Count is { } count)
        {
            limit = count;
            to = address + (ulong)Math.Min((long)count * 15, MaxFunctionBytes);
        }
        else if (Function || symbol is { Offset: 0 })
        {
            if (functionEnd is null) return CommandResult.Fail($"dis: the end of the function at {address:x} is unknown (no next symbol)");
            to = functionEnd.Value;
        }
        else
        {
            limit = 1;
            to = address + 15;
        }
        if (to - from > MaxFunctionBytes) to = from + MaxFunctionBytes;

        var result = new CommandResult();
        var columns = new List<Column>
        {
            new("ADDRESS", CellKind.Address), new("LOCATION"), new("BYTES") { Use = ColumnUse.Data },
            new("MNEMONIC") { Use = ColumnUse.Data }, new("INSTRUCTION"), new("TARGET", CellKind.Address),
        };
        if (lines is not null) columns.Add(new Column("SOURCE") { Use = ColumnUse.Data });
        var table = result.Add(new TableBlock(columns.ToArray()) { TextFromRows = true });
        SourceLine? previousLine = null;
        var code = MemorySnapshot.Read(kernel.Memory, from, (int)(to - from + (Reverse ? 15UL : 0)), kernel.PageSize);
        int readable = code.Holes.Count == 0 ? code.Length : (int)(code.Holes[0].Address - from);
        var bytes = new byte[readable];
        if (readable > 0 && code.TryRead(from, bytes) is { } unexpected) return CommandResult.Fail($"dis: {unexpected.Message}");

        var decoder = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(bytes), from, DecoderOptions.None);
        var formatter = new ObjdumpFormatter();
        int shown = 0;
        while (shown < limit && decoder.IP < from + (ulong)readable && decoder.IP < to)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            decoder.Decode(out var instruction);
            if (instruction.IsInvalid && decoder.IP > from + (ulong)readable) break;
            var mnemonic = formatter.Mnemonic(instruction);
            var text = formatter.Format(instruction, bytes.AsSpan((int)(instruction.IP - from), instruction.Length));
            ulong? target = null;
            if (instruction.FlowControl is FlowControl.Call or FlowControl.UnconditionalBranch or FlowControl.ConditionalBranch
                && instruction.Op0Kind is OpKind.NearBranch16 or OpKind.NearBranch32 or OpKind.NearBranch64)
            {
                target = instruction.NearBranchTarget;
                if (Symbolize(kernel.Symbols, target.Value) is { } name) text += $" <{name}>";
            }
            else if (instruction.IsIPRelativeMemoryOperand)
            {
                ulong rip = instruction.IPRelativeMemoryAddress;
                text += $"        # 0x{rip:x}" + (Symbolize(kernel.Symbols, rip) is { } name ? $" <{name}>" : "");
            }
            var at = instruction.IP;
            var location = Symbolize(kernel.Symbols, at);
            var raw = Convert.ToHexString(bytes, (int)(at - from), instruction.Length).ToLowerInvariant();
            var cells = new List<Cell>
            {
                Cell.Address(at), location is null ? Cell.NotAvailable("no symbol") : Cell.Text(location), Cell.Text(raw),
                Cell.Text(mnemonic), Cell.Text(text), target is { } t ? Cell.Address(t) : Cell.NotApplicable(CellKind.Address),
            };
            SourceLine? source = null;
            if (lines is not null) cells.Add(SourceCell(lines, at, out source));
            var row = table.AddRow(cells.ToArray());
            row.Text = location is null ? $"0x{at:x16}:\t{text}" : $"0x{at:x16} <{location}>:\t{text}";
            // objdump -dl's way: the source position above the first instruction of each new line.
            if (source is { } here && here != previousLine) row.Text = $"{here.File}: {here.Line}\n{row.Text}";
            if (source is not null) previousLine = source;
            if (target is { } branch) row.WithTarget("dis target", $"dis {branch:x}");
            if (instruction.IsInvalid) row.Problem = "not a valid instruction (data, or decoding began mid-instruction)";
            shown++;
        }
        // Kallsyms has no sizes: the padding between this function and the next symbol is not part of it.
        if (limit == int.MaxValue && !Reverse)
            while (table.Rows.Count > 1 && table.Rows[^1].Cells[3].Value is string last && (last.StartsWith("nop", StringComparison.Ordinal) || last == "int3"))
                table.Rows.RemoveAt(table.Rows.Count - 1);
        if (readable < (int)(to - from) && (limit == int.MaxValue || shown < limit) && code.Holes.Count > 0)
            result.Warnings.Add($"dis: stopped at {code.Holes[0].Address:x}: {code.Holes[0].Fault.Message}");
        if (table.Rows.Count == 0 && code.Holes.Count > 0) return CommandResult.Fail($"dis: {code.Holes[0].Fault.Message}");
        return result;
    }

    private static Cell SourceCell(ISourceLineResolver lines, ulong address, out SourceLine? source)
    {
        source = null;
        try
        {
            source = lines.Resolve(address);
            return source is { } s ? Cell.Text(s.ToString()) : Cell.NotAvailable("no line table covers this address");
        }
        catch (InvalidDataException e)
        {
            return Cell.Unreadable(e.Message);
        }
    }

    /// <summary>"schedule+67" for an address inside a symbol (decimal offset, as crash and sym print it); null when none is near.</summary>
    internal static string? Symbolize(ISymbolTable symbols, ulong address)
    {
        if (symbols.Lookup(address) is not { } match || match.Offset > MaxFunctionBytes) return null;
        return match.Offset == 0 ? match.Symbol.Name : $"{match.Symbol.Name}+{match.Offset}";
    }

    /// <summary>The function holding <paramref name="address"/>: its symbol's address and the next text symbol's (kallsyms gives no sizes).</summary>
    internal static (ulong? Start, ulong? End) Bounds(ISymbolTable symbols, ulong address, SymbolMatch? match)
    {
        var starts = TextStarts.GetValue(symbols, s => s.All.Where(IsText).Select(k => k.Address).Distinct().Order().ToArray());
        ulong? start = match is { } m && m.Offset <= MaxFunctionBytes ? m.Symbol.Address : null;
        int i = Array.BinarySearch(starts, address);
        int next = i >= 0 ? i + 1 : ~i;
        while (next < starts.Length && starts[next] <= address) next++;
        ulong? end = next < starts.Length ? starts[next] : null;
        return (start, end);
    }

    private static bool IsText(KernelSymbol symbol) => symbol.Type is 't' or 'T' or 'w' or 'W';
}
