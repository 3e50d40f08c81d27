using DumpScope.Host.Expressions;
using DumpScope.Host.Kernel;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>
/// crash's <c>rd</c>: memory as 8/16/32/64-bit hex words with the bytes as ASCII, 16 bytes a line. A line that
/// cannot be read (excluded page, unmapped address) is shown as unreadable with the reason, and the dump of
/// the following lines goes on.
/// </summary>
[Shows(typeof(MemoryTarget), "{Address} {Count}")]
[Command("rd", Help = "read memory as hex words and ASCII: rd [-8|-16|-32|-64] [-s] [-p] ADDR [COUNT]",
    Examples = ["rd linux_banner 8  eight 64-bit words at a symbol", "rd -32 ffff888003a4c000 16  32-bit words", "rd -s init_task 64  pointers as symbol+offset", "rd -p 1000000 4  physical memory"], SeeAlso = ["struct", "vtop", "sym"])]
public sealed class RdCommand : ICommand
{
    /// <summary>Most words one command prints.</summary>
    public const int MaxCount = 1 << 20;

    private const int LineBytes = 16;
    private const ulong KernelImageStart = 0xffffffff80000000UL;

    /// <summary>Start address: hex, a symbol or symbol+offset.</summary>
    [Argument(0, Name = "ADDR", Required = true, Help = "kernel virtual address: hex, a symbol, or an expression (init_task+0x10, runqueues:1, *(unsigned long *)ADDR); physical hex with -p")]
    public string Address { get; set; } = "";

    /// <summary>Number of words to read.</summary>
    [Argument(1, Name = "COUNT", Help = "number of words (default 1)")]
    public int Count { get; set; } = 1;

    /// <summary>Bytes.</summary>
    [Option("-8", Help = "8-bit words")]
    public bool Bytes8 { get; set; }

    /// <summary>16-bit words.</summary>
    [Option("-16", Help = "16-bit words")]
    public bool Bytes16 { get; set; }

    /// <summary>32-bit words.</summary>
    [Option("-32", Help = "32-bit words")]
    public bool Bytes32 { get; set; }

    /// <summary>64-bit words (the default).</summary>
    [Option("-64", Help = "64-bit words (default)")]
    public bool Bytes64 { get; set; }

    /// <summary>Show 64-bit values that are symbol addresses as symbol+offset.</summary>
    [Option("-s", Help = "show 64-bit values that point into the kernel's symbols as symbol+offset")]
    public bool Symbols { get; set; }

    /// <summary>The address is physical.</summary>
    [Option("-p", Help = "ADDR is a physical address")]
    public bool Physical { get; set; }

    /// <inheritdoc/>
    public CommandResult Execute(CommandContext context)
    {
        var kernel = context.Kernel;
        int widthFlags = (Bytes8 ? 1 : 0) + (Bytes16 ? 1 : 0) + (Bytes32 ? 1 : 0) + (Bytes64 ? 1 : 0);
        if (widthFlags > 1) throw new UsageException("rd: give at most one of -8, -16, -32, -64");
        int width = Bytes8 ? 1 : Bytes16 ? 2 : Bytes32 ? 4 : 8;
        if (Count < 1 || Count > MaxCount) throw new UsageException($"rd: COUNT must be 1..{MaxCount}, not {Count}");
        if (Symbols && width != 8) throw new UsageException("rd: -s needs 64-bit words");

        ulong start;
        if (Physical)
        {
            if (!KernelAddressParser.TryHex(Address.Trim(), out start))
                return CommandResult.Fail($"rd: '{Address}' is not a hexadecimal physical address");
        }
        else
        {
            start = ExpressionEvaluator.EvaluateAddress(kernel, Address);
        }

        long total = (long)Count * width;
        if (MemoryRange.WhollyUnreadable(kernel.Memory, start, (ulong)total, Physical) is { } nothing)
            return CommandResult.Fail($"rd: {nothing.Message}");

        int perLine = LineBytes / width;
        var columns = new List<Column> { new("ADDRESS", CellKind.Address) };
        for (int i = 0; i < perLine; i++) columns.Add(new Column($"+{i * width:x}", Key: $"w{i}"));
        columns.Add(new Column("ASCII"));
        var result = new CommandResult();
        var table = result.Add(new TableBlock(columns.ToArray()) { Title = Physical ? "physical memory" : null });

        var line = new byte[LineBytes];
        // A run of lines failing the same way on one page shares the first line's reason, so it is listed once.
        MemoryFault? runFault = null;
        for (long done = 0; done < total; done += LineBytes)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            ulong at = start + (ulong)done;
            int want = (int)Math.Min(LineBytes, total - done);
            var read = Physical ? kernel.Memory.ReadPhysical(at, line.AsSpan(0, want)) : kernel.Memory.ReadVirtual(at, line.AsSpan(0, want));
            if (read.Fault is { } f && !(runFault is { } r && r.Kind == f.Kind && r.Address >> 12 == f.Address >> 12)) runFault = f;
            var reason = runFault?.Message ?? "unreadable";
            var cells = new Cell[columns.Count];
            cells[0] = Cell.Address(at);
            for (int w = 0; w < perLine; w++)
            {
                int offset = w * width;
                // Words not asked for stay blank in the text, as crash leaves them (the ASCII keeps its place).
                if (offset >= want) cells[1 + w] = Cell.NotApplicable().Displayed("");
                else if (offset + width > read.BytesRead) cells[1 + w] = Cell.Unreadable(reason);
                else cells[1 + w] = Word(kernel, line.AsSpan(offset, width));
            }
            cells[^1] = read.BytesRead == 0 ? Cell.Unreadable(reason) : Cell.Text(Ascii(line.AsSpan(0, Math.Min(read.BytesRead, want))));
            table.AddRow(cells);
            context.Report(done / LineBytes + 1, (total + LineBytes - 1) / LineBytes, "reading memory");
        }
        return result;
    }

    private Cell Word(Sdk.Kernel.IKernel kernel, ReadOnlySpan<byte> bytes)
    {
        switch (bytes.Length)
        {
            case 1: return Cell.Text(bytes[0].ToString("x2", CultureInfo.InvariantCulture));
            case 2: return Cell.Text(BinaryPrimitives.ReadUInt16LittleEndian(bytes).ToString("x4", CultureInfo.InvariantCulture));
            case 4: return Cell.Text(BinaryPrimitives.ReadUInt32LittleEndian(bytes).ToString("x8", CultureInfo.InvariantCulture));
            default:
                ulong value = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
                // Only kernel-image symbols: small values would otherwise all "be" per-cpu symbols.
                if (Symbols && value >= KernelImageStart && kernel.Symbols.Lookup(value) is { } match && match.Symbol.Address >= KernelImageStart)
                    return Cell.Text(match.ToString());
                return Cell.Text(value.ToString("x16", CultureInfo.InvariantCulture));
        }
    }

    private static string Ascii(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length);
        foreach (var b in bytes) text.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
        return text.ToString();
    }
}
