using Iced.Intel;

namespace DumpScope.Host.Commands.Builtins;

/// <summary>
/// Iced's GNU-syntax formatter set up to write what binutils' <c>objdump -d</c> writes, which Iced's options alone do not
/// give: the scale shown exactly when there is an index register (<c>0x0(%rax,%rax,1)</c> but <c>0x18(%rsp)</c>;
/// Iced's AlwaysShowScale also writes an empty index, <c>(%rsp,)</c>), no size suffix on push/pop of memory (64-bit in
/// long mode whatever is written, so objdump writes <c>push 0x28(%rdi)</c>), the implicit <c>%es:</c> of string
/// destinations (<c>rep stos %al,%es:(%rdi)</c>), no immediate on shifts by one (<c>shr %r14</c>) and the redundant prefixes objdump keeps on padding nops
/// (<c>data16 cs nopw 0x0(%rax,%rax,1)</c>).
/// </summary>
internal sealed class ObjdumpFormatter
{
    private readonly GasFormatter _plain = Create(alwaysShowScale: false, sizes: MemorySizeOptions.Default);
    private readonly GasFormatter _scaled = Create(alwaysShowScale: true, sizes: MemorySizeOptions.Default);
    private readonly GasFormatter _plainNoSize = Create(alwaysShowScale: false, sizes: MemorySizeOptions.Never);
    private readonly GasFormatter _scaledNoSize = Create(alwaysShowScale: true, sizes: MemorySizeOptions.Never);

    /// <summary>The mnemonic alone (with its prefixes and suffix), e.g. "rep stos", "movq".</summary>
    public string Mnemonic(in Instruction instruction)
    {
        var output = new StringOutput();
        Pick(instruction).FormatMnemonic(instruction, output);
        var mnemonic = output.ToString();
        return IsPushPopOfMemory(instruction) && mnemonic.Length > 1 && mnemonic[^1] == 'q' ? mnemonic[..^1] : mnemonic;
    }

    /// <summary>The whole instruction: mnemonic, padding to column 7, operands; <paramref name="bytes"/> are its encoding.</summary>
    public string Format(in Instruction instruction, ReadOnlySpan<byte> bytes)
    {
        var output = new StringOutput();
        Pick(instruction).Format(instruction, output);
        var text = output.ToString();
        if (WritesThroughEsRdi(instruction)) text = text.Replace("(%rdi)", "%es:(%rdi)", StringComparison.Ordinal).Replace("(%edi)", "%es:(%edi)", StringComparison.Ordinal);
        // The shift-by-one forms (D0/D1) have no immediate byte; objdump writes none ("shr %r14"), Iced writes "$0x1,".
        if (instruction.OpCode.Table == OpCodeTableKind.Normal && instruction.OpCode.OpCode is 0xd0 or 0xd1)
            text = text.Replace("$0x1,", "", StringComparison.Ordinal);
        if (IsPushPopOfMemory(instruction) && text.IndexOf(' ') is > 1 and var space && text[space - 1] == 'q')
            text = text[..(space - 1)] + " " + text[space..];
        if (instruction.Mnemonic == Iced.Intel.Mnemonic.Nop && instruction.OpCount == 1 && instruction.Op0Kind == OpKind.Memory)
            text = PrefixedNop(text, bytes);
        return text;
    }

    // objdump names the prefixes of a long nop: every 0x66 but the last (which makes it "nopw") as "data16", and a
    // segment override as its bare register ("cs"), before the mnemonic.
    private static string PrefixedNop(string text, ReadOnlySpan<byte> bytes)
    {
        int operandSize = 0;
        var segments = new List<string>();
        foreach (byte b in bytes)
        {
            if (b == 0x66) operandSize++;
            else if (b switch { 0x2e => "cs", 0x36 => "ss", 0x3e => "ds", 0x26 => "es", 0x64 => "fs", 0x65 => "gs", _ => null } is { } segment) segments.Add(segment);
            else break;
        }
        if (operandSize <= 1 && segments.Count == 0) return text;
        var prefix = string.Concat(Enumerable.Repeat("data16 ", Math.Max(0, operandSize - 1))) + string.Concat(segments.Select(s => s + " "));
        foreach (var segment in segments) text = text.Replace($"%{segment}:", "", StringComparison.Ordinal);
        int space = text.IndexOf(' ');
        return space < 0 ? prefix + text : prefix + text[..space] + " " + text[space..].TrimStart();
    }

    private static bool IsPushPopOfMemory(in Instruction instruction) =>
        instruction.Mnemonic is Iced.Intel.Mnemonic.Push or Iced.Intel.Mnemonic.Pop && instruction.Op0Kind == OpKind.Memory;

    private GasFormatter Pick(in Instruction instruction)
    {
        bool scaled = HasIndexRegister(instruction);
        bool noSize = IsPushPopOfMemory(instruction);
        return noSize ? (scaled ? _scaledNoSize : _plainNoSize) : scaled ? _scaled : _plain;
    }

    /// <summary>True when a memory operand of the instruction has an index register (so objdump prints its scale).</summary>
    internal static bool HasIndexRegister(in Instruction instruction)
    {
        for (int i = 0; i < instruction.OpCount; i++)
            if (instruction.GetOpKind(i) == OpKind.Memory) return instruction.MemoryIndex != Register.None;
        return false;
    }

    private static bool WritesThroughEsRdi(in Instruction instruction)
    {
        for (int i = 0; i < instruction.OpCount; i++)
            if (instruction.GetOpKind(i) is OpKind.MemoryESRDI or OpKind.MemoryESEDI) return true;
        return false;
    }

    private static GasFormatter Create(bool alwaysShowScale, MemorySizeOptions sizes)
    {
        var formatter = new GasFormatter();
        formatter.Options.FirstOperandCharIndex = 7;
        formatter.Options.UppercaseHex = false;
        formatter.Options.BranchLeadingZeros = false;
        formatter.Options.ShowBranchSize = false;
        formatter.Options.ShowZeroDisplacements = true;
        formatter.Options.SmallHexNumbersInDecimal = false;
        formatter.Options.AlwaysShowScale = alwaysShowScale;
        formatter.Options.RipRelativeAddresses = true;
        formatter.Options.MemorySizeOptions = sizes;
        return formatter;
    }

    /// <summary>Collects formatter output into one string.</summary>
    private sealed class StringOutput : FormatterOutput
    {
        private readonly StringBuilder _text = new();

        public override void Write(string text, FormatterTextKind kind) => _text.Append(text);

        public override string ToString() => _text.ToString();
    }
}
