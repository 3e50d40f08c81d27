namespace DumpScope.Testing.DumpWriters;

/// <summary>
/// Writes dumps of terabyte machines straight to disk without writing terabytes: a kdump-compressed file whose
/// mostly-zero 2nd bitmap is left as holes of a sparse file (the 1st bitmap, all RAM, is written as makedumpfile
/// writes it), and a makedumpfile -E style ELF whose excluded frames are p_memsz beyond p_filesz. Pages are the
/// <see cref="DumpWriter.PatternPage"/> of their frame, so a reader can check any page; they are compressed in
/// parallel batches and written in frame order.
/// </summary>
public static class SparseDumpWriter
{
    private const int BatchPages = 4096;
    private const int PageDescSize = 24;

    /// <summary>Writes a kdump-compressed file (header version 6, 64-bit layout) to <paramref name="path"/>.</summary>
    public static void WriteKdump(string path, SparseDumpSpec spec)
    {
        var writer = Writer(spec);
        int bs = spec.PageSize;
        var notes = writer.BuildNotes(out int vmcoreInfoInNotes);
        const int SubSize = 104;
        long notesAt = bs + SubSize;
        int subBlocks = (int)((SubSize + notes.Length + bs - 1) / bs);
        long bitmapBytes = (long)((spec.MaxPfn + 7) / 8 + (ulong)bs - 1) / bs * bs;
        long bitmapOffset = (1L + subBlocks) * bs;
        long descTable = bitmapOffset + 2 * bitmapBytes;
        long dumped = (long)spec.DumpedPages;
        long dataAt = descTable + PageDescSize * dumped;

        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var header = new byte[bs * (1 + subBlocks)];
        var h = header.AsSpan();
        "KDUMP   "u8.CopyTo(h);
        BinaryPrimitives.WriteInt32LittleEndian(h[8..], 6);
        Encoding.ASCII.GetBytes("Linux").CopyTo(h[12..]);
        Encoding.ASCII.GetBytes("synthetic-big").CopyTo(h[(12 + 65)..]);
        Encoding.ASCII.GetBytes("6.1.0-synthetic").CopyTo(h[(12 + 2 * 65)..]);
        Encoding.ASCII.GetBytes("x86_64").CopyTo(h[(12 + 4 * 65)..]);
        BinaryPrimitives.WriteInt64LittleEndian(h[408..], 1_700_000_000);
        const int S = 424;
        BinaryPrimitives.WriteUInt32LittleEndian(h[S..], spec.Codec switch
        {
            TestPageCodec.Zlib => 0x1u, TestPageCodec.Lzo => 0x2u, TestPageCodec.Snappy => 0x4u, TestPageCodec.Zstd => 0x20u, _ => 0u,
        });
        BinaryPrimitives.WriteInt32LittleEndian(h[(S + 4)..], bs);
        BinaryPrimitives.WriteInt32LittleEndian(h[(S + 8)..], subBlocks);
        BinaryPrimitives.WriteUInt32LittleEndian(h[(S + 12)..], (uint)(2 * bitmapBytes / bs));
        BinaryPrimitives.WriteUInt32LittleEndian(h[(S + 16)..], (uint)Math.Min(spec.MaxPfn, uint.MaxValue));
        BinaryPrimitives.WriteInt32LittleEndian(h[(S + 36)..], writer.Cpus.Count);
        var sub = h[bs..];
        BinaryPrimitives.WriteInt32LittleEndian(sub[8..], 31);                       // dump_level
        BinaryPrimitives.WriteInt64LittleEndian(sub[32..], notesAt + vmcoreInfoInNotes);
        BinaryPrimitives.WriteInt64LittleEndian(sub[40..], Encoding.ASCII.GetByteCount(spec.VmcoreInfo));
        BinaryPrimitives.WriteInt64LittleEndian(sub[48..], notesAt);
        BinaryPrimitives.WriteInt64LittleEndian(sub[56..], notes.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(sub[96..], spec.MaxPfn);             // max_mapnr_64
        notes.CopyTo(sub[SubSize..]);
        file.Write(header);

        // 1st bitmap: every frame is RAM (written); 2nd: only the runs' bytes (holes elsewhere).
        var ones = new byte[1 << 20];
        Array.Fill(ones, (byte)0xff);
        long ramBytes = (long)(spec.MaxPfn / 8);
        for (long done = 0; done < ramBytes; done += ones.Length) file.Write(ones, 0, (int)Math.Min(ones.Length, ramBytes - done));
        if (spec.MaxPfn % 8 != 0) file.WriteByte((byte)((1 << (int)(spec.MaxPfn % 8)) - 1));
        ulong sharedByte = ulong.MaxValue;
        byte sharedBits = 0;
        foreach (var (start, count) in spec.Runs())
            for (ulong pfn = start; pfn < start + count;)
            {
                // Whole bytes where the run covers them; single bits at unaligned edges.
                file.Position = bitmapOffset + bitmapBytes + (long)(pfn / 8);
                if (pfn % 8 == 0 && start + count - pfn >= 8)
                {
                    ulong bytes = (start + count - pfn) / 8;
                    file.Write(ones, 0, (int)bytes);
                    pfn += bytes * 8;
                }
                else
                {
                    // A byte two runs share keeps the bits of both (runs ascend, so only the last byte can be shared).
                    ulong first = pfn;
                    byte b = first / 8 == sharedByte ? sharedBits : (byte)0;
                    for (; pfn < start + count && pfn / 8 == first / 8; pfn++) b |= (byte)(1 << (int)(pfn % 8));
                    file.WriteByte(b);
                    (sharedByte, sharedBits) = (first / 8, b);
                }
            }

        var descs = new byte[PageDescSize * dumped];
        long index = 0, at = dataAt;
        file.Position = dataAt;
        foreach (var batch in Batches(spec))
        {
            var stored = new (byte[] Data, uint Flags)[batch.Length];
            Parallel.For(0, batch.Length, i => stored[i] = writer.CompressPage(Content(writer, spec, batch[i]), spec.Codec));
            foreach (var (data, flags) in stored)
            {
                var d = descs.AsSpan((int)(index++ * PageDescSize), PageDescSize);
                BinaryPrimitives.WriteInt64LittleEndian(d, at);
                BinaryPrimitives.WriteUInt32LittleEndian(d[8..], (uint)data.Length);
                BinaryPrimitives.WriteUInt32LittleEndian(d[12..], flags);
                file.Write(data);
                at += data.Length;
            }
        }
        file.Position = descTable;
        file.Write(descs);
    }

    /// <summary>Writes an ELF core (one PT_LOAD per run, p_memsz reaching the next run) to <paramref name="path"/>.</summary>
    public static void WriteElf(string path, SparseDumpSpec spec, ulong directMapBase = 0xffff888000000000UL)
    {
        var writer = Writer(spec);
        long ps = spec.PageSize;
        var notes = writer.BuildNotes(out _);
        var runs = spec.Runs().ToList();
        var loads = new List<(ulong Paddr, long FileSize, long MemSize)>();
        if (runs.Count == 0 || runs[0].Start > 0) loads.Add((0, 0, (long)(runs.Count == 0 ? spec.MaxPfn : runs[0].Start) * ps));
        for (int i = 0; i < runs.Count; i++)
        {
            ulong end = i + 1 < runs.Count ? runs[i + 1].Start : spec.MaxPfn;
            loads.Add((runs[i].Start * (ulong)ps, (long)runs[i].Count * ps, (long)(end - runs[i].Start) * ps));
        }
        int phnum = loads.Count + 1;
        if (phnum >= 0xffff) throw new ArgumentException($"{phnum} program headers: more runs than this writer puts in e_phnum", nameof(spec));
        long phoff = 64, notesAt = phoff + 56L * phnum, dataAt = notesAt + notes.Length;

        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var head = new byte[dataAt];
        var eh = head.AsSpan();
        eh[0] = 0x7f; eh[1] = (byte)'E'; eh[2] = (byte)'L'; eh[3] = (byte)'F';
        eh[4] = 2; eh[5] = 1; eh[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(eh[16..], 4);  // ET_CORE
        BinaryPrimitives.WriteUInt16LittleEndian(eh[18..], 62); // EM_X86_64
        BinaryPrimitives.WriteUInt32LittleEndian(eh[20..], 1);
        BinaryPrimitives.WriteInt64LittleEndian(eh[32..], phoff);
        BinaryPrimitives.WriteUInt16LittleEndian(eh[52..], 64);
        BinaryPrimitives.WriteUInt16LittleEndian(eh[54..], 56);
        BinaryPrimitives.WriteUInt16LittleEndian(eh[56..], (ushort)phnum);
        void Phdr(int i, uint type, long offset, ulong vaddr, ulong paddr, long filesz, long memsz)
        {
            var ph = head.AsSpan((int)(phoff + 56 * i), 56);
            BinaryPrimitives.WriteUInt32LittleEndian(ph, type);
            BinaryPrimitives.WriteUInt32LittleEndian(ph[4..], type == 1 ? 7u : 0u);
            BinaryPrimitives.WriteInt64LittleEndian(ph[8..], offset);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[16..], vaddr);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[24..], paddr);
            BinaryPrimitives.WriteInt64LittleEndian(ph[32..], filesz);
            BinaryPrimitives.WriteInt64LittleEndian(ph[40..], memsz);
        }
        Phdr(0, 4, notesAt, 0, 0, notes.Length, notes.Length);
        long at = dataAt;
        for (int i = 0; i < loads.Count; i++)
        {
            var (paddr, filesz, memsz) = loads[i];
            Phdr(i + 1, 1, filesz > 0 ? at : 0, directMapBase + paddr, paddr, filesz, memsz);
            at += filesz;
        }
        notes.CopyTo(head.AsSpan((int)notesAt));
        file.Write(head);
        foreach (var batch in Batches(spec))
        {
            var pages = new byte[batch.Length][];
            Parallel.For(0, batch.Length, i => pages[i] = Content(writer, spec, batch[i]));
            foreach (var page in pages) file.Write(page);
        }
    }

    private static byte[] Content(DumpWriter writer, SparseDumpSpec spec, ulong pfn) =>
        spec.PageContent is { } content ? content(pfn) : writer.PatternPage(pfn);

    private static DumpWriter Writer(SparseDumpSpec spec)
    {
        var w = new DumpWriter(spec.PageSize) { VmcoreInfo = spec.VmcoreInfo, MaxPfn = spec.MaxPfn };
        w.Cpus.Add(new CpuNote(1, new Dictionary<string, ulong> { ["rip"] = 0xffffffff81000000, ["rsp"] = 0xffffc90000003f00 }));
        w.Cpus.Add(new CpuNote(2, new Dictionary<string, ulong> { ["rip"] = 0xffffffff81000010, ["rsp"] = 0xffffc90000007f00 }));
        return w;
    }

    /// <summary>The dumped frames in frame order, in batches.</summary>
    private static IEnumerable<ulong[]> Batches(SparseDumpSpec spec)
    {
        var batch = new List<ulong>(BatchPages);
        foreach (var (start, count) in spec.Runs())
            for (ulong pfn = start; pfn < start + count; pfn++)
            {
                batch.Add(pfn);
                if (batch.Count == BatchPages)
                {
                    yield return batch.ToArray();
                    batch.Clear();
                }
            }
        if (batch.Count > 0) yield return batch.ToArray();
    }
}
