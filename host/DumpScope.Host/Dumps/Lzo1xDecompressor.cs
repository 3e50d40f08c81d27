namespace DumpScope.Host.Dumps;

/// <summary>
/// A bounds-checked LZO1X decompressor (the format liblzo2's lzo1x_1_compress writes, used by
/// makedumpfile -l). Written from the stream description in the kernel's Documentation/staging/lzo.rst.
/// Every read of the input and every write or look-behind in the output is checked, so damaged or
/// hostile input ends in a failure text, never an exception or an out-of-range access. The LZO-RLE
/// extension (kernel zram only) is not accepted.
/// </summary>
internal static class Lzo1xDecompressor
{
    /// <summary>
    /// Decompresses <paramref name="input"/> into <paramref name="output"/>. Returns null on success with
    /// <paramref name="written"/> bytes produced, else a message saying where the stream went wrong.
    /// </summary>
    public static string? Decompress(ReadOnlySpan<byte> input, Span<byte> output, out int written)
    {
        int ip = 0, op = 0;
        written = 0;
        if (input.Length == 0) return "LZO1X: empty input";

        // state: 0 = the last instruction copied no literals, 1..3 = it copied that many, 4 = it copied a run of 4 or more.
        int state = 0;
        if (input[0] > 17)
        {
            int t = input[ip++] - 17;
            if (!CopyLiterals(input, ref ip, output, ref op, t, out var err)) return Fail(err!, 0, op, out written);
            state = t < 4 ? t : 4;
        }

        while (true)
        {
            if (ip >= input.Length) return Fail("input ends without an end-of-stream marker", ip, op, out written);
            int at = ip;
            int inst = input[ip++];
            long length;
            int distance;
            int next;
            if (inst < 16)
            {
                if (state == 0)
                {
                    // 0000LLLL after no literals: a run of 4 or more literals.
                    length = inst & 15;
                    if (length == 0 && !ReadLongLength(input, ref ip, 15, ref length)) return Fail("truncated literal length", at, op, out written);
                    length += 3;
                    if (!CopyLiterals(input, ref ip, output, ref op, length, out var err)) return Fail(err!, at, op, out written);
                    state = 4;
                    continue;
                }
                if (ip >= input.Length) return Fail("truncated short match", at, op, out written);
                int h = input[ip++];
                if (state == 4)
                {
                    // 0000DDSS after a literal run: 3 bytes from 2049..3072 back.
                    distance = (h << 2) + ((inst >> 2) & 3) + 2049;
                    length = 3;
                }
                else
                {
                    // 0000DDSS after 1..3 literals: 2 bytes from up to 1 KiB back.
                    distance = (h << 2) + ((inst >> 2) & 3) + 1;
                    length = 2;
                }
                next = inst & 3;
            }
            else if (inst < 32)
            {
                // 0001HLLL + LE16: 16..48 KiB back; distance 16384 ends the stream.
                if (ReadMatch(input, ref ip, inst, 7, out length, out int v) is { } error) return Fail(error, at, op, out written);
                distance = 16384 + ((inst & 8) << 11) + (v >> 2);
                next = v & 3;
                if (distance == 16384)
                {
                    written = op;
                    return ip == input.Length ? null : $"LZO1X: {input.Length - ip} bytes follow the end-of-stream marker at input offset {at}";
                }
            }
            else if (inst < 64)
            {
                // 001LLLLL + LE16: up to 16 KiB back.
                if (ReadMatch(input, ref ip, inst, 31, out length, out int v) is { } error) return Fail(error, at, op, out written);
                distance = (v >> 2) + 1;
                next = v & 3;
            }
            else
            {
                // 01LDDDSS / 1LLDDDSS + one byte: 3..8 bytes from up to 2 KiB back.
                if (ip >= input.Length) return Fail("truncated match distance", at, op, out written);
                int h = input[ip++];
                length = inst < 128 ? 3 + ((inst >> 5) & 1) : 5 + ((inst >> 5) & 3);
                distance = (h << 3) + ((inst >> 2) & 7) + 1;
                next = inst & 3;
            }

            if (distance > op) return Fail($"match reaches {distance} bytes back but only {op} bytes were produced", at, op, out written);
            if (length > output.Length - op) return Fail($"match of {length} bytes overruns the {output.Length}-byte output", at, op, out written);
            int len = (int)length;
            int from = op - distance;
            if (distance >= len)
            {
                output.Slice(from, len).CopyTo(output[op..]);
                op += len;
            }
            else
            {
                // Overlapping copy repeats the last <distance> bytes: must go byte by byte.
                for (int i = 0; i < len; i++) output[op++] = output[from + i];
            }
            if (next > 0 && !CopyLiterals(input, ref ip, output, ref op, next, out var e2)) return Fail(e2!, at, op, out written);
            state = next;
        }
    }

    /// <summary>
    /// Reads the extension of a length whose bits were all zero: each zero byte adds 255, the first
    /// non-zero byte is added and ends it. Bounded by the input, and capped so it cannot overflow.
    /// </summary>
    // A match of the 0001HLLL and 001LLLLL forms: the length in the instruction's low bits (a long length after it
    // when they are 0) plus 2, then the LE16 whose high 14 bits give the distance and low 2 the next literal count.
    private static string? ReadMatch(ReadOnlySpan<byte> input, ref int ip, int inst, int lengthMask, out long length, out int v)
    {
        v = 0;
        length = inst & lengthMask;
        if (length == 0 && !ReadLongLength(input, ref ip, lengthMask, ref length)) return "truncated match length";
        length += 2;
        if (ip + 2 > input.Length) return "truncated match distance";
        v = input[ip] | (input[ip + 1] << 8);
        ip += 2;
        return null;
    }

    private static bool ReadLongLength(ReadOnlySpan<byte> input, ref int ip, int bitsMax, ref long length)
    {
        long value = bitsMax;
        while (ip < input.Length && input[ip] == 0)
        {
            value += 255;
            ip++;
        }
        if (ip >= input.Length) return false;
        length = value + input[ip++];
        return true;
    }

    private static bool CopyLiterals(ReadOnlySpan<byte> input, ref int ip, Span<byte> output, ref int op, long count, out string? error)
    {
        if (count > input.Length - ip)
        {
            error = $"literal run of {count} bytes overruns the input ({input.Length - ip} left)";
            return false;
        }
        if (count > output.Length - op)
        {
            error = $"literal run of {count} bytes overruns the {output.Length}-byte output";
            return false;
        }
        input.Slice(ip, (int)count).CopyTo(output[op..]);
        ip += (int)count;
        op += (int)count;
        error = null;
        return true;
    }

    private static string Fail(string what, int inputOffset, int op, out int written)
    {
        written = op;
        return $"LZO1X: {what} (input offset {inputOffset}, output offset {op})";
    }
}
