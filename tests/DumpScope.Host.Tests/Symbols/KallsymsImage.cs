using System.Buffers.Binary;
using System.Text;
using DumpScope.Sdk.Symbols;

namespace DumpScope.Host.Tests.Symbols;

/// <summary>
/// Writes a kallsyms table the way scripts/kallsyms lays it out (token table, token index, names with one- or
/// two-byte lengths, 32-bit offsets against a relative base) into a <see cref="SyntheticMemory"/>, and the
/// VMCOREINFO lines that locate it.
/// </summary>
internal sealed class KallsymsImage
{
    // A few multi-character tokens, one of which swallows the type letter, as the real compressor does.
    private static readonly string[] MultiTokens = ["Tin", "it_", "task", "__", "per_cpu", "sym", "tt"];

    public const ulong TextBase = 0xffffffff_9ca0_0000UL;

    public required ulong OffsetsAddress { get; init; }
    /// <summary>Where the image's kernel text region starts (the kallsyms tables are laid out above it).</summary>
    public const ulong ImageBase = 0xffffffff_9d00_0000UL;

    public required ulong RelativeBaseAddress { get; init; }
    public required ulong NumSymsAddress { get; init; }
    public required ulong NamesAddress { get; init; }
    public required ulong TokenTableAddress { get; init; }
    public required ulong TokenIndexAddress { get; init; }

    public static KallsymsImage Write(SyntheticMemory memory, IReadOnlyList<KernelSymbol> symbols, bool absolutePercpu, ulong relativeBase)
    {
        var tokens = new string[256];
        for (int i = 0; i < 256; i++) tokens[i] = i is >= 0x21 and < 0x7f ? ((char)i).ToString() : $"<{i}>";
        for (int i = 0; i < MultiTokens.Length; i++) tokens[1 + i] = MultiTokens[i];

        var tokenTable = new List<byte>();
        var tokenIndex = new byte[512];
        for (int i = 0; i < 256; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(tokenIndex.AsSpan(i * 2), (ushort)tokenTable.Count);
            tokenTable.AddRange(Encoding.ASCII.GetBytes(tokens[i]));
            tokenTable.Add(0);
        }

        var names = new List<byte>();
        foreach (var symbol in symbols)
        {
            var encoded = Encode(symbol.Type + symbol.Name, tokens);
            if (encoded.Count < 0x80) names.Add((byte)encoded.Count);
            else { names.Add((byte)(0x80 | (encoded.Count & 0x7f))); names.Add((byte)(encoded.Count >> 7)); }
            names.AddRange(encoded);
        }

        var offsets = new byte[symbols.Count * 4];
        for (int i = 0; i < symbols.Count; i++)
        {
            ulong address = symbols[i].Address;
            int value = absolutePercpu
                ? address < relativeBase ? checked((int)address) : checked((int)unchecked((long)(relativeBase - 1 - address)))
                : unchecked((int)(uint)(address - relativeBase));
            BinaryPrimitives.WriteInt32LittleEndian(offsets.AsSpan(i * 4), value);
        }

        // Laid out as the linker does: offsets, relative_base, num_syms, names, (markers), token_table, token_index.
        ulong at = ImageBase + 0x10_0000;
        var image = new KallsymsImage
        {
            OffsetsAddress = at,
            RelativeBaseAddress = Align(at + (ulong)offsets.Length, 8),
            NumSymsAddress = Align(at + (ulong)offsets.Length, 8) + 8,
            NamesAddress = Align(at + (ulong)offsets.Length, 8) + 16,
            TokenTableAddress = Align(Align(at + (ulong)offsets.Length, 8) + 16 + (ulong)names.Count + 64, 8),
            TokenIndexAddress = Align(Align(Align(at + (ulong)offsets.Length, 8) + 16 + (ulong)names.Count + 64, 8) + (ulong)tokenTable.Count, 8),
        };
        memory.Write(image.OffsetsAddress, offsets);
        var u64 = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(u64, relativeBase);
        memory.Write(image.RelativeBaseAddress, u64);
        BinaryPrimitives.WriteUInt64LittleEndian(u64, (ulong)symbols.Count);
        memory.Write(image.NumSymsAddress, u64);
        memory.Write(image.NamesAddress, names.ToArray());
        memory.Write(image.TokenTableAddress, tokenTable.ToArray());
        memory.Write(image.TokenIndexAddress, tokenIndex);
        return image;
    }

    public string VmcoreInfoText(ulong stext) =>
        $"OSRELEASE=test\nSYMBOL(_stext)={stext:x}\nSYMBOL(kallsyms_names)={NamesAddress:x}\nSYMBOL(kallsyms_num_syms)={NumSymsAddress:x}\n" +
        $"SYMBOL(kallsyms_token_table)={TokenTableAddress:x}\nSYMBOL(kallsyms_token_index)={TokenIndexAddress:x}\n" +
        $"SYMBOL(kallsyms_offsets)={OffsetsAddress:x}\nSYMBOL(kallsyms_relative_base)={RelativeBaseAddress:x}\n";

    private static ulong Align(ulong value, ulong alignment) => (value + alignment - 1) & ~(alignment - 1);

    private static List<byte> Encode(string text, string[] tokens)
    {
        var result = new List<byte>();
        int at = 0;
        while (at < text.Length)
        {
            int best = -1;
            for (int i = 1; i <= MultiTokens.Length; i++)
                if (text.AsSpan(at).StartsWith(tokens[i], StringComparison.Ordinal) && (best < 0 || tokens[i].Length > tokens[best].Length)) best = i;
            if (best < 0)
            {
                best = text[at];
                if (tokens[best].Length != 1) throw new ArgumentException($"'{text[at]}' cannot be encoded");
            }
            result.Add((byte)best);
            at += tokens[best].Length;
        }
        return result;
    }
}
