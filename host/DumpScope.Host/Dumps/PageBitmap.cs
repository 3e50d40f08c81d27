using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DumpScope.Host.Dumps;

/// <summary>
/// A kdump bitmap (bit n of byte n/8, least significant first: one bit per page frame) with a rank index:
/// the number of set bits before every 512-bit block, so "how many set bits precede pfn" — the index of
/// the frame's page_desc — costs one table look-up and at most eight popcounts.
/// </summary>
internal sealed class PageBitmap
{
    private const int WordsPerBlock = 8;
    private const int BitsPerBlock = WordsPerBlock * 64;

    private readonly ulong[] _words;
    private readonly long[] _rank;

    /// <summary>Wraps bitmap bytes covering <paramref name="bitCount"/> frames (bits beyond are ignored).</summary>
    public PageBitmap(ReadOnlyMemory<byte> bytes, ulong bitCount)
        : this(bitCount, dest => bytes.Span[..Math.Min(bytes.Length, dest.Length)].CopyTo(dest))
    {
    }

    /// <summary>
    /// Reads the bitmap for <paramref name="bitCount"/> frames from <paramref name="file"/> at
    /// <paramref name="offset"/> straight into its words (no intermediate copy of a possibly large bitmap).
    /// </summary>
    public PageBitmap(DumpFileView file, long offset, ulong bitCount, string what)
        : this(bitCount, dest => ReadChunked(file, offset, dest, what))
    {
    }

    private delegate void Filler(Span<byte> destination);

    private PageBitmap(ulong bitCount, Filler fill)
    {
        BitCount = bitCount;
        long words = (long)((bitCount + 63) / 64);
        _words = new ulong[words];
        var dest = MemoryMarshal.AsBytes(_words.AsSpan());
        fill(dest[..(int)Math.Min((long)dest.Length, (long)((bitCount + 7) / 8))]);
        if (!BitConverter.IsLittleEndian)
            for (int i = 0; i < _words.Length; i++) _words[i] = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(_words[i]);
        int tail = (int)(bitCount & 63);
        if (tail != 0) _words[^1] &= (1UL << tail) - 1;

        _rank = new long[(words + WordsPerBlock - 1) / WordsPerBlock + 1];
        long count = 0;
        for (long w = 0; w < words; w++)
        {
            if ((w & (WordsPerBlock - 1)) == 0) _rank[w / WordsPerBlock] = count;
            count += BitOperations.PopCount(_words[w]);
        }
        _rank[^1] = count;
        SetCount = count;
    }

    private static void ReadChunked(DumpFileView file, long offset, Span<byte> destination, string what)
    {
        const int Chunk = 1 << 20;
        for (int done = 0; done < destination.Length; done += Chunk)
        {
            var part = destination.Slice(done, Math.Min(Chunk, destination.Length - done));
            file.ReadExactly(offset + done, part, what);
        }
    }

    /// <summary>Frames covered.</summary>
    public ulong BitCount { get; }

    /// <summary>Set bits in all.</summary>
    public long SetCount { get; }

    /// <summary>The raw words (for set arithmetic between bitmaps).</summary>
    public ReadOnlySpan<ulong> Words => _words;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsSet(ulong pfn) => pfn < BitCount && (_words[pfn >> 6] & (1UL << (int)(pfn & 63))) != 0;

    /// <summary>Number of set bits below <paramref name="pfn"/>.</summary>
    public long Rank(ulong pfn)
    {
        if (pfn >= BitCount) return SetCount;
        long word = (long)(pfn >> 6);
        long block = word / WordsPerBlock;
        long count = _rank[block];
        for (long w = block * WordsPerBlock; w < word; w++) count += BitOperations.PopCount(_words[w]);
        ulong mask = (1UL << (int)(pfn & 63)) - 1;
        return count + BitOperations.PopCount(_words[word] & mask);
    }
}
