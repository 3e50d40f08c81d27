using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;

namespace DumpScope.Host.Dumps;

/// <summary>
/// A kdump bitmap (bit n of byte n/8, least significant first: one bit per page frame), read lazily from
/// the file: nothing is read at open, so opening a 4 TiB machine's dump (a 128 MiB bitmap) costs the same as
/// a 512 MiB one. The bitmap is cut into regions of 2^16 frames (8 KiB of bitmap); a region is read and
/// given its rank index (set bits before every 512-bit block) on first use and kept in a bounded cache.
/// Rank — the index of a frame's page_desc — also needs the set bits of every earlier region: those counts
/// are taken once, in order, only as far as the highest region asked for, with streaming reads that do not
/// keep the bitmap resident.
/// </summary>
internal sealed class PageBitmap
{
    private const int RegionShift = 16;
    private const int RegionBits = 1 << RegionShift;
    private const int RegionWords = RegionBits / 64;
    private const int RegionBytes = RegionBits / 8;
    private const int WordsPerBlock = 8;
    private const int BlocksPerRegion = RegionWords / WordsPerBlock;
    private const int CacheSlots = 1024;
    private const int CountChunkBytes = 1 << 20;

    private readonly DumpFileView _file;
    private readonly long _offset;
    private readonly string _what;
    private readonly long _regionCount;
    private readonly Region?[] _cache = new Region?[CacheSlots];
    private readonly object _prefixLock = new();
    private long[] _prefix = [0];     // set bits before region r, known for r < _prefix.Length
    private long _regionsLoaded;

    private sealed class Region(long index, ulong[] words, int[] blockRank)
    {
        public readonly long Index = index;
        public readonly ulong[] Words = words;
        public readonly int[] BlockRank = blockRank;
    }

    /// <summary>Wraps bitmap bytes covering <paramref name="bitCount"/> frames (bits beyond are ignored).</summary>
    public PageBitmap(byte[] bytes, ulong bitCount)
        : this(new ByteArrayFileView(bytes, "bitmap"), 0, bitCount, "bitmap")
    {
    }

    /// <summary>The bitmap for <paramref name="bitCount"/> frames at <paramref name="offset"/> of <paramref name="file"/>; reads nothing yet.</summary>
    public PageBitmap(DumpFileView file, long offset, ulong bitCount, string what)
    {
        _file = file;
        _offset = offset;
        _what = what;
        BitCount = bitCount;
        _regionCount = (long)((bitCount + RegionBits - 1) >> RegionShift);
    }

    /// <summary>Frames covered.</summary>
    public ulong BitCount { get; }

    /// <summary>Set bits in all (counts the whole bitmap on first use).</summary>
    public long SetCount => PrefixBefore(_regionCount);

    /// <summary>Regions read into the cache so far (each 8 KiB of bitmap); for tests and <c>dumpinfo -v</c>.</summary>
    public long RegionsLoaded => Interlocked.Read(ref _regionsLoaded);

    /// <summary>Regions whose set bits have been counted for rank (a prefix of the bitmap).</summary>
    public long RegionsCounted => Volatile.Read(ref _prefix).Length - 1;

    public bool IsSet(ulong pfn)
    {
        if (pfn >= BitCount) return false;
        var region = Load((long)(pfn >> RegionShift));
        int bit = (int)(pfn & (RegionBits - 1));
        return (region.Words[bit >> 6] & (1UL << (bit & 63))) != 0;
    }

    /// <summary>Number of set bits below <paramref name="pfn"/>.</summary>
    public long Rank(ulong pfn)
    {
        if (pfn >= BitCount) return SetCount;
        long r = (long)(pfn >> RegionShift);
        var region = Load(r);
        int bit = (int)(pfn & (RegionBits - 1));
        int word = bit >> 6;
        int block = word / WordsPerBlock;
        long count = PrefixBefore(r) + region.BlockRank[block];
        var words = region.Words;
        for (int w = block * WordsPerBlock; w < word; w++) count += BitOperations.PopCount(words[w]);
        return count + BitOperations.PopCount(words[word] & ((1UL << (bit & 63)) - 1));
    }

    /// <summary>
    /// One streaming pass over two bitmaps of the same frames (kdump's 1st = RAM and 2nd = dumped): the frames
    /// set in the first only, set in either, and set in the second. Chunks are read and dropped, so the pass
    /// keeps nothing resident; <paramref name="parallelism"/> chunks are counted at once.
    /// </summary>
    public static (long FirstOnly, long Either, long Second) CountPair(PageBitmap first, PageBitmap second, int parallelism = 2)
    {
        if (first.BitCount != second.BitCount) throw new ArgumentException("the bitmaps cover different frame counts", nameof(second));
        long totalBytes = (long)((first.BitCount + 7) / 8);
        long chunks = (totalBytes + CountChunkBytes - 1) / CountChunkBytes;
        long firstOnly = 0, either = 0, secondCount = 0;
        Parallel.For(0L, chunks, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism) },
            () => (Buffers: (ArrayPool<byte>.Shared.Rent(CountChunkBytes), ArrayPool<byte>.Shared.Rent(CountChunkBytes)), A: 0L, B: 0L, C: 0L),
            (chunk, _, local) =>
            {
                long at = chunk * CountChunkBytes;
                int n = (int)Math.Min(CountChunkBytes, totalBytes - at);
                int rounded = (n + 7) & ~7;
                var a = first.ReadWords(at, local.Buffers.Item1.AsSpan(0, rounded), n);
                var b = second.ReadWords(at, local.Buffers.Item2.AsSpan(0, rounded), n);
                for (int i = 0; i < a.Length; i++)
                {
                    local.A += BitOperations.PopCount(a[i] & ~b[i]);
                    local.B += BitOperations.PopCount(a[i] | b[i]);
                    local.C += BitOperations.PopCount(b[i]);
                }
                return local;
            },
            local =>
            {
                ArrayPool<byte>.Shared.Return(local.Buffers.Item1);
                ArrayPool<byte>.Shared.Return(local.Buffers.Item2);
                Interlocked.Add(ref firstOnly, local.A);
                Interlocked.Add(ref either, local.B);
                Interlocked.Add(ref secondCount, local.C);
            });
        return (firstOnly, either, secondCount);
    }

    /// <summary>
    /// Reads <paramref name="length"/> bitmap bytes at <paramref name="byteOffset"/> into <paramref name="buffer"/> (a
    /// whole number of words, zero-filled past the data) as words, masking bits past <see cref="BitCount"/>.
    /// Streaming reads bypass the memory mapping so that one pass over a big bitmap does not stay resident.
    /// </summary>
    private Span<ulong> ReadWords(long byteOffset, Span<byte> buffer, int length, bool streaming = true)
    {
        buffer.Clear();
        if (streaming) _file.ReadExactlyStreaming(_offset + byteOffset, buffer[..length], _what);
        else _file.ReadExactly(_offset + byteOffset, buffer[..length], _what);
        var words = MemoryMarshal.Cast<byte, ulong>(buffer);
        if (!BitConverter.IsLittleEndian)
            for (int i = 0; i < words.Length; i++) words[i] = BinaryPrimitives.ReverseEndianness(words[i]);
        ulong endBit = (ulong)byteOffset * 8 + (ulong)words.Length * 64;
        if (endBit > BitCount)
        {
            ulong valid = BitCount - (ulong)byteOffset * 8;
            int full = (int)(valid / 64);
            int tail = (int)(valid & 63);
            if (tail != 0) words[full++] &= (1UL << tail) - 1;
            words[full..].Clear();
        }
        return words;
    }

    /// <summary>The region's words and block ranks: from the direct-mapped cache, else read (lock-free: a slot is one reference).</summary>
    private Region Load(long r)
    {
        ref var slot = ref _cache[r & (CacheSlots - 1)];
        var cached = Volatile.Read(ref slot);
        if (cached is not null && cached.Index == r) return cached;
        var words = new ulong[RegionWords];
        long start = r * RegionBytes;
        int length = (int)Math.Min(RegionBytes, (long)((BitCount + 7) / 8) - start);
        ReadWords(start, MemoryMarshal.AsBytes(words.AsSpan()), length, streaming: false);
        var ranks = new int[BlocksPerRegion];
        int count = 0;
        for (int b = 0; b < BlocksPerRegion; b++)
        {
            ranks[b] = count;
            for (int w = b * WordsPerBlock; w < (b + 1) * WordsPerBlock; w++) count += BitOperations.PopCount(words[w]);
        }
        var region = new Region(r, words, ranks);
        Volatile.Write(ref slot, region);
        Interlocked.Increment(ref _regionsLoaded);
        return region;
    }

    /// <summary>Set bits before region <paramref name="r"/>, counting regions (in streaming chunks) up to it on first need.</summary>
    private long PrefixBefore(long r)
    {
        var prefix = Volatile.Read(ref _prefix);
        if (r < prefix.Length) return prefix[r];
        lock (_prefixLock)
        {
            prefix = _prefix;
            if (r < prefix.Length) return prefix[r];
            // Count whole chunks past the need so a walk moving upwards does not come back for every region.
            const int RegionsPerChunk = CountChunkBytes / RegionBytes;
            long known = prefix.Length - 1;
            long target = Math.Min(_regionCount, (r + RegionsPerChunk - 1) / RegionsPerChunk * RegionsPerChunk);
            var grown = new long[target + 1];
            prefix.CopyTo(grown, 0);
            var buffer = ArrayPool<byte>.Shared.Rent(CountChunkBytes);
            try
            {
                long totalBytes = (long)((BitCount + 7) / 8);
                for (long region = known; region < target;)
                {
                    long byteOffset = region * RegionBytes;
                    int n = (int)Math.Min(Math.Min(CountChunkBytes, (target - region) * RegionBytes), totalBytes - byteOffset);
                    var words = ReadWords(byteOffset, buffer.AsSpan(0, (n + 7) & ~7), n);
                    for (int at = 0; at < words.Length && region < target; at += RegionWords, region++)
                    {
                        long count = 0;
                        foreach (var w in words.Slice(at, Math.Min(RegionWords, words.Length - at))) count += BitOperations.PopCount(w);
                        grown[region + 1] = grown[region] + count;
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            Volatile.Write(ref _prefix, grown);
            return grown[r];
        }
    }
}
