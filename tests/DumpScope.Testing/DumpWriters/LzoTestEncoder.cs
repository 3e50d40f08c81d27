namespace DumpScope.Testing.DumpWriters;

/// <summary>
/// A small LZO1X encoder for tests: literal runs, and runs of a repeated byte as distance-1 matches
/// (001LLLLL instructions, which exercise overlapping copies). Valid LZO1X, not a good compressor.
/// </summary>
public static class LzoTestEncoder
{
    /// <summary>Shortest repeat emitted as a match.</summary>
    private const int MinRun = 4;

    /// <summary>Encodes <paramref name="data"/>; with <paramref name="literalOnly"/> every byte is a literal.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> data, bool literalOnly = false)
    {
        var o = new List<byte>(data.Length + 16);
        int pos = 0, litStart = 0;
        bool first = true;
        while (pos < data.Length)
        {
            // Bytes from pos that repeat data[pos - 1].
            int run = 0;
            if (!literalOnly && pos > 0)
                while (pos + run < data.Length && data[pos + run] == data[pos - 1]) run++;
            if (!literalOnly && pos > 0 && run >= MinRun)
            {
                EmitLiterals(o, data[litStart..pos], ref first);
                EmitMatch(o, run);
                pos += run;
                litStart = pos;
            }
            else
            {
                pos++;
            }
        }
        EmitLiterals(o, data[litStart..], ref first);
        o.Add(0x11); // end of stream: 0001HLLL with H=0, distance 16384
        o.Add(0);
        o.Add(0);
        return o.ToArray();
    }

    /// <summary>
    /// Literals after a match of ours: 1..3 go into the previous match's S bits, more as a 0000LLLL run. At
    /// the start, the first-byte encoding (17 + n) or a 0000LLLL run.
    /// </summary>
    private static void EmitLiterals(List<byte> o, ReadOnlySpan<byte> lit, ref bool first)
    {
        if (lit.Length == 0) return;
        if (first && lit.Length <= 238)
        {
            o.Add((byte)(17 + lit.Length));
        }
        else if (!first && lit.Length <= 3)
        {
            // Patch the S bits of the previous match's LE16 distance (its low byte is second to last).
            o[^2] = (byte)(o[^2] | lit.Length);
        }
        else
        {
            int x = lit.Length - 3;
            if (x <= 15) o.Add((byte)x);
            else
            {
                o.Add(0);
                AddExtension(o, x - 15);
            }
        }
        first = false;
        foreach (var b in lit) o.Add(b);
    }

    private static void EmitMatch(List<byte> o, int length)
    {
        int x = length - 2;
        if (x <= 31) o.Add((byte)(0x20 | x));
        else
        {
            o.Add(0x20);
            AddExtension(o, x - 31);
        }
        o.Add(0); // distance 1: (1 - 1) << 2, S bits patched by EmitLiterals
        o.Add(0);
    }

    /// <summary>Adds x (≥ 1) as zero bytes worth 255 each and a final non-zero byte.</summary>
    private static void AddExtension(List<byte> o, int x)
    {
        int zeros = (x - 1) / 255;
        for (int i = 0; i < zeros; i++) o.Add(0);
        o.Add((byte)(x - zeros * 255));
    }
}
