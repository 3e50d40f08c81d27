namespace DumpScope.Sdk.Linux.Printk;

/// <summary>
/// Reads the lockless printk ring buffer (5.10+). <c>prb</c> points to a <c>struct printk_ringbuffer</c>: a
/// descriptor ring (<c>1 &lt;&lt; count_bits</c> <c>struct prb_desc</c> with a parallel array of
/// <c>struct printk_info</c>) and a text data ring (<c>1 &lt;&lt; size_bits</c> bytes). Descriptor ids run from
/// <c>tail_id</c> to <c>head_id</c>; a descriptor's <c>state_var</c> holds its id in the low bits and its state
/// in the top two (reserved, committed, finalized, reusable). Its <c>text_blk_lpos</c> gives logical positions
/// in the data ring whose "wrap count" (lpos &gt;&gt; size_bits) tells whether the block wrapped to offset 0; a
/// data block starts with the owning descriptor's id. Everything read is checked against those invariants: a
/// record that breaks one is skipped and counted, and the walk is bounded by the ring's size.
/// </summary>
internal static class PrintkRingBufferReader
{
    /// <summary>Largest descriptor ring accepted (count_bits); the kernel allows log_buf_len up to 2^31.</summary>
    public const int MaxCountBits = 26;

    /// <summary>Largest text ring accepted (size_bits).</summary>
    public const int MaxSizeBits = 31;

    /// <summary>Largest total read for the descriptor, info and text arrays.</summary>
    public const long MaxBytes = 512L << 20;

    private const int StateShift = 62;
    private const ulong IdMask = (1UL << StateShift) - 1;
    private const ulong Committed = 1, Finalized = 2;
    private const int MaxListedProblems = 5;

    public static KernelLog Read(IKernel kernel, List<string> notes)
    {
        var layout = RingBufferLayout.Probe(kernel.Types, kernel.VmcoreInfo, notes, out var layoutProblem)
            ?? throw new NotSupportedException(layoutProblem);
        if (!kernel.Symbols.TryGetAddress("prb", out var prbSymbol) && !(kernel.VmcoreInfo?.TryGetSymbol("prb", out prbSymbol) ?? false))
            throw new NotSupportedException("symbol prb is missing");
        if (kernel.VmcoreInfo is { } info && info.TryGetSymbol("prb", out var vmciPrb) && vmciPrb != prbSymbol)
            notes.Add($"SYMBOL(prb) in VMCOREINFO is {vmciPrb:x} but the symbol table says {prbSymbol:x}; the symbol table is used");

        var memory = kernel.Memory;
        ulong rb = memory.ReadU64(prbSymbol, "prb");
        if (!KernelAddress.IsKernel(rb)) throw new InvalidDataException($"prb holds {rb:x}, not a kernel address");
        ulong descRing = rb + layout.DescRing, dataRing = rb + layout.TextDataRing;
        uint countBits = memory.ReadU32(descRing + layout.CountBits, "prb_desc_ring.count_bits");
        uint sizeBits = memory.ReadU32(dataRing + layout.SizeBits, "prb_data_ring.size_bits");
        if (countBits is 0 or > MaxCountBits) throw new InvalidDataException($"prb_desc_ring.count_bits at {descRing + layout.CountBits:x} is {countBits}; expected 1..{MaxCountBits}");
        if (sizeBits is < 3 or > MaxSizeBits) throw new InvalidDataException($"prb_data_ring.size_bits at {dataRing + layout.SizeBits:x} is {sizeBits}; expected 3..{MaxSizeBits}");
        long descCount = 1L << (int)countBits, dataSize = 1L << (int)sizeBits;
        if (descCount * (long)(layout.DescSize + layout.InfoSize) + dataSize > MaxBytes)
            throw new InvalidDataException($"printk ring of {descCount} descriptors and {dataSize} text bytes exceeds {MaxBytes} bytes");

        ulong descsAddress = memory.ReadU64(descRing + layout.Descs, "prb_desc_ring.descs");
        ulong infosAddress = memory.ReadU64(descRing + layout.Infos, "prb_desc_ring.infos");
        ulong dataAddress = memory.ReadU64(dataRing + layout.Data, "prb_data_ring.data");
        ulong headId = memory.ReadU64(descRing + layout.HeadId, "prb_desc_ring.head_id") & IdMask;
        ulong tailId = memory.ReadU64(descRing + layout.TailId, "prb_desc_ring.tail_id") & IdMask;

        var descs = MemorySnapshot.Read(memory, descsAddress, (int)(descCount * (long)layout.DescSize), kernel.PageSize);
        var infos = MemorySnapshot.Read(memory, infosAddress, (int)(descCount * (long)layout.InfoSize), kernel.PageSize);
        var data = MemorySnapshot.Read(memory, dataAddress, (int)dataSize, kernel.PageSize);
        foreach (var (name, region) in new[] { ("descriptor ring", descs), ("info array", infos), ("text ring", data) })
            if (region.FirstFault is { } fault) notes.Add($"printk {name}: {fault.Message}; records there are skipped");

        var problems = new List<string>();
        int skipped = 0, incomplete = 0;
        void Skip(ulong id, string why)
        {
            skipped++;
            if (problems.Count < MaxListedProblems) problems.Add($"descriptor id {id:x}: {why}");
        }

        // tail..head must fit in the ring; ids beyond that are garbage, so only the newest ring's worth are tried.
        ulong span = (headId - tailId) & IdMask;
        if (span >= (ulong)descCount)
        {
            notes.Add($"printk ring: tail_id {tailId:x} .. head_id {headId:x} spans {span + 1} ids, more than the {descCount} descriptors; only the last {descCount} are read");
            tailId = (headId - (ulong)descCount + 1) & IdMask;
        }

        var records = new List<LogRecord>();
        ulong mask = (ulong)descCount - 1;
        for (ulong id = tailId, n = 0; n < (ulong)descCount; id = (id + 1) & IdMask, n++)
        {
            long d = (long)((id & mask) * layout.DescSize), inf = (long)((id & mask) * layout.InfoSize);
            if (!Readable(descs, d, (long)layout.DescSize) || !Readable(infos, inf, (long)layout.InfoSize)) Skip(id, "descriptor or info unreadable");
            else
            {
                ulong state = U64(descs, d + (long)layout.StateVar);
                ulong descId = state & IdMask, kind = state >> StateShift;
                if (descId != id) Skip(id, $"state_var {state:x} names id {descId:x}");
                else if (kind is not (Committed or Finalized)) incomplete++;
                else
                {
                    ulong begin = U64(descs, d + (long)(layout.TextBlkLpos + layout.LposBegin));
                    ulong next = U64(descs, d + (long)(layout.TextBlkLpos + layout.LposNext));
                    var record = Record(id, begin, next, sizeBits, data, infos, inf, layout, out var why, out bool dataless);
                    if (record is not null) records.Add(record);
                    else if (dataless) incomplete++;
                    else Skip(id, why!);
                }
            }
            if (id == headId) break;
        }
        if (skipped > 0)
            notes.Add($"printk ring: {skipped} record(s) skipped as garbage or unreadable" + (problems.Count > 0 ? $" (first: {string.Join("; ", problems)})" : ""));
        records.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return new KernelLog($"printk ringbuffer at {rb:x} ({layout.Source} layout)", records, skipped, incomplete, notes);
    }

    private static LogRecord? Record(ulong id, ulong begin, ulong next, uint sizeBits, MemorySnapshot data, MemorySnapshot infos, long inf,
        RingBufferLayout layout, out string? problem, out bool dataless)
    {
        problem = null;
        dataless = false;
        // Data-less records (bit 0 of begin set, or begin == next) carry no text: the kernel treats them as lost.
        if ((begin & 1) != 0 || begin == next)
        {
            dataless = true;
            return null;
        }
        ulong size = 1UL << (int)sizeBits;
        ulong offset, length;
        if (begin >> (int)sizeBits == next >> (int)sizeBits && begin < next)
        {
            offset = begin & (size - 1);
            length = next - begin;
        }
        else if ((begin + size) >> (int)sizeBits == next >> (int)sizeBits)
        {
            // The block did not fit before the end of the ring: it was stored from offset 0.
            offset = 0;
            length = next & (size - 1);
        }
        else
        {
            problem = $"text_blk_lpos {begin:x}..{next:x} is not a block of a {size}-byte ring";
            return null;
        }
        if (length < 8 || offset + length > size)
        {
            problem = $"text block of {length} bytes at ring offset {offset} does not fit the ring";
            return null;
        }
        if (!Readable(data, (long)offset, (long)length))
        {
            problem = "text block unreadable";
            return null;
        }
        ulong blockId = U64(data, (long)offset);
        if ((blockId & IdMask) != id)
        {
            problem = $"text block belongs to id {blockId:x}";
            return null;
        }
        int textLength = BinaryPrimitives.ReadUInt16LittleEndian(infos.Bytes[(int)(inf + (long)layout.TextLen)..]);
        if ((ulong)textLength > length - 8)
        {
            problem = $"text_len {textLength} exceeds its {length - 8}-byte block";
            return null;
        }
        ulong seq = U64(infos, inf + (long)layout.Seq);
        ulong ts = U64(infos, inf + (long)layout.TsNsec);
        var (level, facility) = layout.Levels.Read(infos.Bytes, inf);
        var text = PrintkText.Decode(data.Bytes.Slice((int)offset + 8, textLength));
        return new LogRecord(seq, ts, level, facility, text, layout.Levels.ReadCaller(infos.Bytes, inf));
    }

    private static ulong U64(MemorySnapshot data, long offset) => BinaryPrimitives.ReadUInt64LittleEndian(data.Bytes.Slice((int)offset, 8));

    private static bool Readable(MemorySnapshot data, long offset, long length) =>
        offset >= 0 && length >= 0 && offset + length <= data.Length && data.IsReadable(data.Address + (ulong)offset, (int)length);
}
