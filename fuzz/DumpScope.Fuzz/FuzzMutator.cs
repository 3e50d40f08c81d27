namespace DumpScope.Fuzz;

/// <summary>
/// A small deterministic mutator (the smoke pass must give the same inputs on every machine): stacks 1–6
/// of bit flips, random bytes, "interesting" integers of 1/2/4/8 bytes, block copies, deletions,
/// duplications, truncation and splices with another corpus entry. Positions are biased toward the first
/// 4 KiB, where the headers and counts of every format here live.
/// </summary>
public sealed class FuzzMutator(ulong seed)
{
    private static readonly long[] Interesting =
        [0, 1, -1, 2, 7, 8, 15, 16, 0x7f, 0x80, 0xff, 0x100, 0x1000, 0x7fff, 0x8000, 0xffff, 0x10000,
         int.MaxValue, int.MinValue, uint.MaxValue, long.MaxValue, long.MinValue, 0x1_0000_0000];

    private const int MaxLength = 1 << 20;
    private ulong _state = seed == 0 ? 0x9e3779b97f4a7c15UL : seed;

    /// <summary>A mutated copy of <paramref name="input"/>; <paramref name="other"/> feeds splices.</summary>
    public byte[] Mutate(byte[] input, byte[] other)
    {
        var data = new List<byte>(input);
        int count = 1 + Next(6);
        for (int i = 0; i < count; i++) MutateOnce(data, other);
        return data.ToArray();
    }

    private void MutateOnce(List<byte> data, byte[] other)
    {
        if (data.Count == 0)
        {
            data.Add((byte)Next(256));
            return;
        }
        int at = Position(data.Count);
        switch (Next(10))
        {
            case 0:
            case 1:
                data[at] ^= (byte)(1 << Next(8));
                break;
            case 2:
                data[at] = (byte)Next(256);
                break;
            case 3:
            case 4:
                {
                    int width = 1 << Next(4);
                    long value = Interesting[Next(Interesting.Length)];
                    if (Next(2) == 0) value += Next(3) - 1;
                    for (int b = 0; b < width && at + b < data.Count; b++) data[at + b] = (byte)(value >> (8 * b));
                    break;
                }
            case 5:
                {
                    int length = Math.Min(1 + Next(64), data.Count - at);
                    data.RemoveRange(at, length);
                    break;
                }
            case 6:
                {
                    int from = Next(data.Count);
                    int length = Math.Min(1 + Next(64), data.Count - from);
                    if (data.Count + length <= MaxLength) data.InsertRange(at, data.GetRange(from, length));
                    break;
                }
            case 7:
                {
                    int from = Next(data.Count);
                    int length = Math.Min(1 + Next(64), Math.Min(data.Count - from, data.Count - at));
                    var block = data.GetRange(from, length);
                    for (int b = 0; b < length; b++) data[at + b] = block[b];
                    break;
                }
            case 8:
                if (Next(4) == 0) data.RemoveRange(at, data.Count - at);
                else data[at] = (byte)(data[at] + Next(33) - 16);
                break;
            default:
                if (other.Length > 0)
                {
                    int from = Next(other.Length);
                    int length = Math.Min(1 + Next(256), Math.Min(other.Length - from, data.Count - at));
                    for (int b = 0; b < length; b++) data[at + b] = other[from + b];
                }
                break;
        }
    }

    private int Position(int length) => Next(2) == 0 ? Next(Math.Min(length, 4096)) : Next(length);

    private int Next(int bound)
    {
        // xorshift64*: tiny, fast, and the same sequence everywhere.
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        ulong value = _state * 0x2545f4914f6cdd1dUL;
        return (int)((value >> 33) % (ulong)bound);
    }
}
