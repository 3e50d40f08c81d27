using System.IO.Compression;

namespace DumpScope.Testing.DumpWriters;

/// <summary>
/// Builds small kernel dumps for tests from a map pfn → page bytes, a set of excluded pfns, VMCOREINFO
/// text and CPU notes: kdump-compressed files (every codec, header versions, 32/64-bit layouts, QEMU's
/// shared zero page) and ELF cores (makedumpfile -E excluded tails, QEMU p_vaddr = 0, aliases, PN_XNUM).
/// Independent of the host's readers: layouts follow makedumpfile's and the ELF specification.
/// </summary>
public sealed class DumpWriter
{
    private const int PrStatusSize = 336;
    private const int PrRegOffset = 112;
    private const int QemuCpuStateSize = 448;

    private static readonly string[] UserRegs =
    [
        "r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx", "rsi", "rdi",
        "orig_rax", "rip", "cs", "rflags", "rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs",
    ];

    private const int Arm64PrStatusSize = 392;

    private static readonly string[] Arm64UserRegs =
    [
        "x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
        "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30",
        "sp", "pc", "pstate",
    ];

    /// <summary>
    /// The dumped machine: "x86_64" (EM_X86_64, user_regs_struct PRSTATUS notes) or "aarch64" (EM_AARCH64 = 183,
    /// user_pt_regs PRSTATUS notes of 392 bytes, kdump utsname machine "aarch64").
    /// </summary>
    public string Machine { get; init; } = "x86_64";

    private bool Arm64 => Machine == "aarch64";

    /// <summary>Creates a writer for pages of <paramref name="pageSize"/> bytes.</summary>
    public DumpWriter(int pageSize = 4096) => PageSize = pageSize;

    /// <summary>Page size in bytes.</summary>
    public int PageSize { get; }

    /// <summary>Dumped pages.</summary>
    public SortedDictionary<ulong, byte[]> Pages { get; } = new();

    /// <summary>RAM pages left out of the dump.</summary>
    public SortedSet<ulong> Excluded { get; } = new();

    /// <summary>One past the highest frame; default one past the highest page or excluded frame.</summary>
    public ulong? MaxPfn { get; set; }

    /// <summary>VMCOREINFO text, or null for none.</summary>
    public string? VmcoreInfo { get; set; }

    /// <summary>CPU notes in CPU order.</summary>
    public List<CpuNote> Cpus { get; } = [];

    /// <summary>Adds a dumped page (copied, must be one page long).</summary>
    public DumpWriter AddPage(ulong pfn, ReadOnlySpan<byte> data)
    {
        if (data.Length != PageSize) throw new ArgumentException($"page is {data.Length} bytes, expected {PageSize}");
        Pages[pfn] = data.ToArray();
        Excluded.Remove(pfn);
        return this;
    }

    /// <summary>Marks a RAM frame as excluded.</summary>
    public DumpWriter Exclude(ulong pfn)
    {
        Pages.Remove(pfn);
        Excluded.Add(pfn);
        return this;
    }

    /// <summary>A page whose bytes are a deterministic function of pfn and seed (compressible, not trivial).</summary>
    public byte[] PatternPage(ulong pfn, int seed = 0)
    {
        var page = new byte[PageSize];
        var rng = new Random(unchecked((int)pfn * 7919 + seed));
        for (int i = 0; i < PageSize; i += 64)
        {
            int kind = rng.Next(4);
            for (int j = i; j < i + 64; j++)
                page[j] = kind switch
                {
                    0 => 0,
                    1 => (byte)pfn,
                    2 => (byte)rng.Next(256),
                    _ => (byte)(j ^ (int)pfn),
                };
        }
        BinaryPrimitives.WriteUInt64LittleEndian(page, pfn); // each page names itself
        return page;
    }

    private ulong EffectiveMaxPfn()
    {
        ulong max = 0;
        if (Pages.Count > 0) max = Pages.Keys.Max() + 1;
        if (Excluded.Count > 0) max = Math.Max(max, Excluded.Max + 1);
        return MaxPfn ?? max;
    }

    /// <summary>The ELF notes blob: PRSTATUS per CPU, QEMU CPU states (when asked), VMCOREINFO.</summary>
    public byte[] BuildNotes(out int vmcoreInfoDescOffset, bool qemuCpuStates = false)
    {
        var ms = new MemoryStream();
        foreach (var cpu in Cpus)
        {
            var desc = new byte[Arm64 ? Arm64PrStatusSize : PrStatusSize];
            BinaryPrimitives.WriteInt32LittleEndian(desc.AsSpan(32), cpu.Pid);
            var names = Arm64 ? Arm64UserRegs : UserRegs;
            for (int i = 0; i < names.Length; i++)
                if (cpu.Registers.TryGetValue(names[i], out var v))
                    BinaryPrimitives.WriteUInt64LittleEndian(desc.AsSpan(PrRegOffset + i * 8), v);
            WriteNote(ms, "CORE", 1, desc);
        }
        foreach (var cpu in Cpus)
        {
            if (!qemuCpuStates || cpu.QemuCr3 is not { } cr3) continue;
            var desc = new byte[QemuCpuStateSize];
            BinaryPrimitives.WriteUInt32LittleEndian(desc, 1);
            BinaryPrimitives.WriteUInt32LittleEndian(desc.AsSpan(4), QemuCpuStateSize);
            if (cpu.Registers.TryGetValue("rip", out var rip)) BinaryPrimitives.WriteUInt64LittleEndian(desc.AsSpan(8 + 16 * 8), rip);
            // cr[0..4] follow 18 registers and 10 segments of 24 bytes.
            int cr = 8 + 18 * 8 + 10 * 24;
            BinaryPrimitives.WriteUInt64LittleEndian(desc.AsSpan(cr), 0x80050033);
            BinaryPrimitives.WriteUInt64LittleEndian(desc.AsSpan(cr + 3 * 8), cr3);
            WriteNote(ms, "QEMU", 0, desc);
        }
        vmcoreInfoDescOffset = -1;
        if (VmcoreInfo is not null)
        {
            vmcoreInfoDescOffset = (int)ms.Length + 12 + 12; // "VMCOREINFO\0" padded to 12
            WriteNote(ms, "VMCOREINFO", 0, Encoding.ASCII.GetBytes(VmcoreInfo));
        }
        return ms.ToArray();
    }

    private static void WriteNote(Stream s, string name, uint type, byte[] desc)
    {
        var nameBytes = Encoding.ASCII.GetBytes(name + "\0");
        Span<byte> h = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(h, (uint)nameBytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(h[4..], (uint)desc.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], type);
        s.Write(h);
        s.Write(nameBytes);
        s.Write(new byte[Pad4(nameBytes.Length) - nameBytes.Length]);
        s.Write(desc);
        s.Write(new byte[Pad4(desc.Length) - desc.Length]);
    }

    private static int Pad4(int n) => (n + 3) & ~3;

    /// <summary>Compresses one page as makedumpfile would: (bytes, page_desc flags); stored when it does not shrink.</summary>
    public (byte[] Data, uint Flags) CompressPage(byte[] page, TestPageCodec codec, bool lzoLiteralOnly = false)
    {
        (byte[] data, uint flag) = codec switch
        {
            TestPageCodec.Zlib => (Zlib(page), 0x1u),
            TestPageCodec.Lzo => (LzoTestEncoder.Encode(page, lzoLiteralOnly), 0x2u),
            TestPageCodec.Snappy => (Snappier.Snappy.CompressToArray(page), 0x4u),
            TestPageCodec.Zstd => (new ZstdSharp.Compressor(3).Wrap(page).ToArray(), 0x20u),
            _ => (page, 0u),
        };
        // makedumpfile stores a page uncompressed when compression does not make it smaller; literal-only
        // LZO never does, so keep it compressed when asked for, to exercise the decoder.
        if (flag != 0 && data.Length >= PageSize && !(codec == TestPageCodec.Lzo && lzoLiteralOnly)) return (page, 0);
        return (data, flag);
    }

    private static byte[] Zlib(byte[] page)
    {
        var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true)) z.Write(page);
        return ms.ToArray();
    }

    /// <summary>Writes a kdump-compressed file.</summary>
    public KdumpImage WriteKdump(KdumpWriterOptions? options = null)
    {
        options ??= new KdumpWriterOptions();
        int bs = PageSize;
        bool is64 = !options.Header32Bit;
        int v = options.HeaderVersion;
        ulong maxPfn = EffectiveMaxPfn();
        int vmciInNotes = -1;
        var notes = v >= 4 ? BuildNotes(out vmciInNotes, options.QemuStyle) : [];
        var vmci = VmcoreInfo is null ? [] : Encoding.ASCII.GetBytes(VmcoreInfo);

        int subSize = is64 ? 104 : 80;
        bool kdump = options.Signature == "KDUMP   ";
        long subStart = bs;
        long notesAt = subStart + subSize;
        long vmciAt = v >= 4 && vmciInNotes >= 0 ? notesAt + vmciInNotes : notesAt + notes.Length;
        long subEnd = kdump ? notesAt + notes.Length + (v == 3 ? vmci.Length : 0) : subStart;
        int subBlocks = (int)((subEnd - subStart + bs - 1) / bs);
        long bitmapBytes = (long)((maxPfn + 7) / 8);
        bitmapBytes = (bitmapBytes + bs - 1) / bs * bs;
        if (bitmapBytes == 0) bitmapBytes = bs;
        long bitmapOffset = (1 + subBlocks) * (long)bs;
        long descTable = bitmapOffset + 2 * bitmapBytes;
        long dataStart = descTable + 24L * Pages.Count;

        var ms = new MemoryStream();
        ms.SetLength(dataStart);
        var descOffsets = new Dictionary<ulong, long>();
        long zeroPageAt = -1;
        if (options.QemuStyle)
        {
            zeroPageAt = dataStart;
            ms.Position = dataStart;
            ms.Write(new byte[bs]);
        }
        var file = ms;
        int index = 0;
        foreach (var (pfn, page) in Pages)
        {
            long at;
            int size;
            uint flags;
            if (options.QemuStyle && page.AsSpan().IndexOfAnyExcept((byte)0) < 0)
            {
                at = zeroPageAt;
                size = bs;
                flags = 0;
            }
            else
            {
                var (data, f) = CompressPage(page, options.Codec, options.LzoLiteralOnly);
                at = file.Length;
                file.Position = at;
                file.Write(data);
                size = data.Length;
                flags = f;
            }
            long descAt = descTable + 24L * index++;
            descOffsets[pfn] = descAt;
            var d = new byte[24];
            BinaryPrimitives.WriteInt64LittleEndian(d, at);
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(8), (uint)size);
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(12), flags);
            file.Position = descAt;
            file.Write(d);
        }
        var bytes = file.ToArray();

        // Bitmaps: 1st = RAM (dumped or excluded), 2nd = dumped.
        foreach (var pfn in Pages.Keys)
        {
            SetBit(bytes, bitmapOffset, pfn);
            SetBit(bytes, bitmapOffset + bitmapBytes, pfn);
        }
        foreach (var pfn in Excluded) SetBit(bytes, bitmapOffset, pfn);

        // disk_dump_header.
        var h = bytes.AsSpan();
        Encoding.ASCII.GetBytes(options.Signature.PadRight(8)[..8]).CopyTo(h);
        BinaryPrimitives.WriteInt32LittleEndian(h[8..], v);
        void Uts(int field, string text) => Encoding.ASCII.GetBytes(text).CopyTo(bytes.AsSpan(12 + field * 65));
        if (!options.QemuStyle)
        {
            Uts(0, "Linux");
            Uts(1, "synthetic");
            Uts(2, "6.1.0-test");
            Uts(3, "#1 SMP");
        }
        Uts(4, is64 ? Machine : "i686");
        int s = is64 ? 424 : 412;
        if (is64) BinaryPrimitives.WriteInt64LittleEndian(h[408..], 1_700_000_000);
        else BinaryPrimitives.WriteInt32LittleEndian(h[404..], 1_700_000_000);
        uint status = options.Codec switch
        {
            TestPageCodec.Zlib => 0x1u,
            TestPageCodec.Lzo => 0x2u,
            TestPageCodec.Snappy => 0x4u,
            TestPageCodec.Zstd => 0x20u,
            _ => 0u,
        } | options.ExtraStatus;
        BinaryPrimitives.WriteUInt32LittleEndian(h[s..], status);
        BinaryPrimitives.WriteInt32LittleEndian(h[(s + 4)..], bs);
        BinaryPrimitives.WriteInt32LittleEndian(h[(s + 8)..], subBlocks);
        BinaryPrimitives.WriteUInt32LittleEndian(h[(s + 12)..], (uint)(2 * bitmapBytes / bs));
        BinaryPrimitives.WriteUInt32LittleEndian(h[(s + 16)..], (uint)Math.Min(maxPfn, uint.MaxValue));
        BinaryPrimitives.WriteInt32LittleEndian(h[(s + 36)..], Math.Max(1, Cpus.Count));

        // kdump_sub_header, notes and VMCOREINFO.
        if (kdump)
        {
            var sub = h[(int)subStart..];
            if (is64)
            {
                BinaryPrimitives.WriteInt64LittleEndian(sub, options.PhysBase);
                BinaryPrimitives.WriteInt32LittleEndian(sub[8..], options.DumpLevel);
                if (v >= 3 && vmci.Length > 0)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(sub[32..], vmciAt);
                    BinaryPrimitives.WriteInt64LittleEndian(sub[40..], vmci.Length);
                }
                if (v >= 4 && notes.Length > 0)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(sub[48..], notesAt);
                    BinaryPrimitives.WriteInt64LittleEndian(sub[56..], notes.Length);
                }
                if (v >= 6) BinaryPrimitives.WriteUInt64LittleEndian(sub[96..], maxPfn);
            }
            else
            {
                BinaryPrimitives.WriteInt32LittleEndian(sub, (int)options.PhysBase);
                BinaryPrimitives.WriteInt32LittleEndian(sub[4..], options.DumpLevel);
                if (v >= 3 && vmci.Length > 0)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(sub[20..], vmciAt);
                    BinaryPrimitives.WriteUInt32LittleEndian(sub[28..], (uint)vmci.Length);
                }
                if (v >= 4 && notes.Length > 0)
                {
                    BinaryPrimitives.WriteInt64LittleEndian(sub[32..], notesAt);
                    BinaryPrimitives.WriteUInt32LittleEndian(sub[40..], (uint)notes.Length);
                }
                if (v >= 6) BinaryPrimitives.WriteUInt64LittleEndian(sub[72..], maxPfn);
            }
            notes.CopyTo(h[(int)notesAt..]);
            if (v == 3) vmci.CopyTo(h[(int)vmciAt..]);
        }

        return new KdumpImage(bytes)
        {
            BlockSize = bs,
            BitmapOffset = bitmapOffset,
            BitmapBytes = bitmapBytes,
            DescTableOffset = descTable,
            DescOffsets = descOffsets,
            SubHeaderOffset = subStart,
            HeaderFieldOffsets = new Dictionary<string, int>
            {
                ["status"] = s,
                ["block_size"] = s + 4,
                ["sub_hdr_size"] = s + 8,
                ["bitmap_blocks"] = s + 12,
                ["max_mapnr"] = s + 16,
                ["nr_cpus"] = s + 36,
            },
        };
    }

    private static void SetBit(byte[] bytes, long bitmapOffset, ulong pfn) =>
        bytes[bitmapOffset + (long)(pfn >> 3)] |= (byte)(1 << (int)(pfn & 7));

    /// <summary>
    /// Writes an ELF core: one PT_NOTE, then per run of consecutive RAM frames one PT_LOAD whose file data
    /// is the run's dumped prefix and whose p_memsz also covers the excluded frames after it (makedumpfile -E).
    /// </summary>
    public byte[] WriteElf(ElfWriterOptions? options = null)
    {
        options ??= new ElfWriterOptions();
        var notes = BuildNotes(out _, options.QemuStyle);
        var loads = new List<(ulong Paddr, ulong Vaddr, long FileSize, long MemSize, byte[][] Data)>();
        ulong? runStart = null;
        var data = new List<byte[]>();
        long excludedTail = 0;
        ulong prev = 0;
        void Close()
        {
            if (runStart is { } st)
                loads.Add((st * (ulong)PageSize, options.QemuStyle ? 0 : options.DirectMapBase + st * (ulong)PageSize,
                    (long)data.Count * PageSize, ((long)data.Count + excludedTail) * PageSize, data.ToArray()));
            runStart = null;
            data.Clear();
            excludedTail = 0;
        }
        var all = new SortedSet<ulong>(Pages.Keys);
        all.UnionWith(Excluded);
        foreach (var pfn in all)
        {
            bool present = Pages.ContainsKey(pfn);
            bool contiguous = runStart is not null && pfn == prev + 1;
            // A new PT_LOAD starts at a gap, or when a dumped page follows excluded ones.
            if (!contiguous || (present && excludedTail > 0)) Close();
            runStart ??= pfn;
            if (present) data.Add(Pages[pfn]);
            else excludedTail++;
            prev = pfn;
        }
        Close();
        if (options.AliasRange is { } alias)
        {
            var aliasData = new List<byte[]>();
            for (ulong p = alias.StartPfn; p < alias.StartPfn + alias.Pages; p++)
                aliasData.Add(Pages.TryGetValue(p, out var pg) ? pg : new byte[PageSize]);
            loads.Insert(0, (alias.StartPfn * (ulong)PageSize, 0xffffffff81000000UL, aliasData.Count * (long)PageSize,
                aliasData.Count * (long)PageSize, aliasData.ToArray()));
        }

        int phnum = loads.Count + 1;
        bool xnum = options.UseExtendedPhnum;
        long phoff = 64;
        long shoff = xnum ? phoff + 56L * phnum : 0;
        long notesAt = phoff + 56L * phnum + (xnum ? 64 : 0);
        long dataAt = notesAt + notes.Length;
        var ms = new MemoryStream();
        var eh = new byte[64];
        eh[0] = 0x7f; eh[1] = (byte)'E'; eh[2] = (byte)'L'; eh[3] = (byte)'F';
        eh[4] = 2; eh[5] = 1; eh[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(eh.AsSpan(16), 4);  // ET_CORE
        BinaryPrimitives.WriteUInt16LittleEndian(eh.AsSpan(18), (ushort)(Arm64 ? 183 : 62)); // EM_AARCH64, EM_X86_64
        BinaryPrimitives.WriteUInt32LittleEndian(eh.AsSpan(20), 1);
        BinaryPrimitives.WriteInt64LittleEndian(eh.AsSpan(32), phoff);
        BinaryPrimitives.WriteInt64LittleEndian(eh.AsSpan(40), shoff);
        BinaryPrimitives.WriteUInt16LittleEndian(eh.AsSpan(52), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(eh.AsSpan(54), 56);
        BinaryPrimitives.WriteUInt16LittleEndian(eh.AsSpan(56), (ushort)(xnum ? 0xffff : phnum));
        BinaryPrimitives.WriteUInt16LittleEndian(eh.AsSpan(58), (ushort)(xnum ? 64 : 0));
        BinaryPrimitives.WriteUInt16LittleEndian(eh.AsSpan(60), (ushort)(xnum ? 1 : 0));
        ms.Write(eh);

        void Phdr(uint type, long offset, ulong vaddr, ulong paddr, long filesz, long memsz)
        {
            var ph = new byte[56];
            BinaryPrimitives.WriteUInt32LittleEndian(ph, type);
            BinaryPrimitives.WriteUInt32LittleEndian(ph.AsSpan(4), type == 1 ? 7u : 0u);
            BinaryPrimitives.WriteInt64LittleEndian(ph.AsSpan(8), offset);
            BinaryPrimitives.WriteUInt64LittleEndian(ph.AsSpan(16), vaddr);
            BinaryPrimitives.WriteUInt64LittleEndian(ph.AsSpan(24), paddr);
            BinaryPrimitives.WriteInt64LittleEndian(ph.AsSpan(32), filesz);
            BinaryPrimitives.WriteInt64LittleEndian(ph.AsSpan(40), memsz);
            ms.Write(ph);
        }
        Phdr(4, notesAt, 0, 0, notes.Length, notes.Length);
        long at = dataAt;
        foreach (var l in loads)
        {
            Phdr(1, l.FileSize > 0 ? at : 0, l.Vaddr, l.Paddr, l.FileSize, l.MemSize);
            at += l.FileSize;
        }
        if (xnum)
        {
            var sh = new byte[64];
            BinaryPrimitives.WriteUInt32LittleEndian(sh.AsSpan(44), (uint)phnum); // sh_info
            ms.Write(sh);
        }
        ms.Write(notes);
        foreach (var l in loads)
            foreach (var page in l.Data)
                ms.Write(page);
        return ms.ToArray();
    }
}
