using System.Buffers.Binary;
using System.Text;

namespace DumpScope.Fuzz;

/// <summary>
/// Encodes symbols as a kallsyms image for <see cref="KallsymsHarness"/>: a token table where most tokens are
/// single characters and a few are multi-character (as scripts/kallsyms makes them), names with one- or
/// two-byte lengths, 32-bit offsets against a relative base, laid out after the harness header.
/// </summary>
internal static class KallsymsSeed
{
    private static readonly string[] Multi = ["__", "_s", "te", "in", "_e", "ent", "ry", "x86"];

    public static byte[] Encode(IReadOnlyList<(string Name, ulong Address, char Type)> symbols, bool absolutePercpu)
    {
        var tokens = new string[256];
        for (int i = 0; i < 256; i++) tokens[i] = i is >= 0x21 and < 0x7f ? ((char)i).ToString() : "?";
        for (int i = 0; i < Multi.Length; i++) tokens[1 + i] = Multi[i];

        var tokenTable = new List<byte>();
        var tokenIndex = new byte[512];
        for (int i = 0; i < 256; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(tokenIndex.AsSpan(i * 2), (ushort)tokenTable.Count);
            tokenTable.AddRange(Encoding.ASCII.GetBytes(tokens[i]));
            tokenTable.Add(0);
        }

        var names = new List<byte>();
        foreach (var (name, _, type) in symbols)
        {
            var encoded = Tokenize(type + name, tokens);
            if (encoded.Count < 0x80) names.Add((byte)encoded.Count);
            else { names.Add((byte)(0x80 | (encoded.Count & 0x7f))); names.Add((byte)(encoded.Count >> 7)); }
            names.AddRange(encoded);
        }

        ulong relativeBase = symbols[0].Address;
        var offsets = new byte[symbols.Count * 4];
        for (int i = 0; i < symbols.Count; i++)
        {
            ulong delta = symbols[i].Address - relativeBase;
            // Absolute-percpu stores kernel addresses as relative_base - 1 - value (a negative value).
            int value = absolutePercpu ? unchecked((int)(-1 - (long)delta)) : unchecked((int)(uint)delta);
            BinaryPrimitives.WriteInt32LittleEndian(offsets.AsSpan(i * 4), value);
        }

        var image = new List<byte>(new byte[KallsymsHarness.HeaderSize]);
        uint Append(byte[] bytes)
        {
            while (image.Count % 8 != 0) image.Add(0);
            uint at = (uint)image.Count;
            image.AddRange(bytes);
            return at;
        }
        var u64 = new byte[8];
        uint offsetsAt = Append(offsets);
        BinaryPrimitives.WriteUInt64LittleEndian(u64, relativeBase);
        uint baseAt = Append(u64);
        BinaryPrimitives.WriteUInt64LittleEndian(u64, (ulong)symbols.Count);
        uint countAt = Append(u64.ToArray());
        uint namesAt = Append(names.ToArray());
        uint tableAt = Append(tokenTable.ToArray());
        uint indexAt = Append(tokenIndex);

        var result = image.ToArray();
        uint[] header = [namesAt, countAt, tableAt, indexAt, offsetsAt, baseAt];
        for (int i = 0; i < header.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(i * 4), header[i]);
        BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(24), symbols[0].Address);
        return result;
    }

    private static List<byte> Tokenize(string text, string[] tokens)
    {
        var result = new List<byte>();
        for (int at = 0; at < text.Length;)
        {
            int best = -1;
            for (int i = 1; i <= Multi.Length; i++)
                if (text.AsSpan(at).StartsWith(tokens[i], StringComparison.Ordinal) && (best < 0 || tokens[i].Length > tokens[best].Length)) best = i;
            if (best < 0) best = text[at] is >= (char)0x21 and < (char)0x7f ? text[at] : '?';
            result.Add((byte)best);
            at += tokens[best].Length;
        }
        return result;
    }
}
