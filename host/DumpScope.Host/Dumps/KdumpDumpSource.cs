using System.Buffers;

namespace DumpScope.Host.Dumps;

/// <summary>
/// makedumpfile's kdump-compressed format (signature "KDUMP   ", and the older "DISKDUMP"): block 0 the
/// disk_dump_header, then the kdump_sub_header blocks, then two bitmaps (1st: frames that are RAM, 2nd:
/// frames whose data was dumped), then one 24-byte page_desc per dumped frame in frame order, then page
/// data. Also the QEMU variant (nothing excluded, zero pages share one page_desc target) and, through
/// <see cref="FlattenedFileView"/>, flattened files. Open reads headers and bitmaps only.
/// </summary>
internal sealed class KdumpDumpSource : IDumpSource, IDumpPageStatistics, IKdumpHeaderInfo, IDumpReadStatistics, IDumpMachineInfo
{
    private const int PageDescSize = 24;
    private const int DescsPerBlock = 128;
    private const int DescCacheSlots = 256;
    private const int TruncationWindow = 512;
    private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    private readonly DumpFileView _file;
    private readonly DiskDumpHeader _header;
    private readonly KdumpSubHeader? _sub;
    private readonly PageBitmap _ram;
    private readonly PageBitmap _dumped;
    private readonly long _descTableOffset;
    private readonly long _descCapacity;
    private readonly long _dataStart;
    private readonly ulong _splitStart;
    private readonly ulong _splitEnd;
    private readonly int _maxStoredSize;
    private readonly DumpNotes _notes;
    private readonly DescBlock?[] _descCache = new DescBlock?[DescCacheSlots];
    private readonly Lazy<DumpPageCounts> _counts;
    private readonly string? _pageSizeWarning;

    private sealed class DescBlock(long block, byte[] raw, int count)
    {
        public readonly long Block = block;
        public readonly byte[] Raw = raw;
        public readonly int Count = count;
    }

    private KdumpDumpSource(DumpFileView file, DiskDumpHeader header, KdumpSubHeader? sub, ulong maxPfn,
        PageBitmap ram, PageBitmap dumped, long descTableOffset, DumpNotes notes, VmcoreInfo? info, string? pageSizeWarning)
    {
        _file = file;
        _header = header;
        _sub = sub;
        PageSize = header.BlockSize;
        MaxPfn = maxPfn;
        _ram = ram;
        _dumped = dumped;
        _descTableOffset = descTableOffset;
        _notes = notes;
        VmcoreInfo = info;
        Cpus = notes.Cpus;
        _pageSizeWarning = pageSizeWarning;
        // Stored data is never larger than a page (makedumpfile keeps the page uncompressed when
        // compression does not help); allow some slack for odd writers, but bound every allocation.
        _maxStoredSize = PageSize * 2;
        if (sub is { Split: true })
        {
            _splitStart = Math.Min(sub.StartPfn, maxPfn);
            _splitEnd = Math.Min(sub.EndPfn, maxPfn);
        }
        else
        {
            _splitStart = 0;
            _splitEnd = maxPfn;
        }
        _descCapacity = DescCapacity(file, descTableOffset, _maxStoredSize, out _dataStart) ?? DescCount;
        Compression = PageCodecs.FromHeaderStatus(header.Status);
        Truncation = FindTruncation();
        _counts = new Lazy<DumpPageCounts>(Count);
    }

    /// <summary>The codec the header names.</summary>
    public PageCompression Compression { get; }

    public string FilePath => _file.FilePath;

    public string FormatName
    {
        get
        {
            var kind = _header.Signature == DiskDumpHeader.DiskDumpSignature ? "diskdump"
                : IsQemu ? "QEMU kdump-compressed" : "kdump-compressed";
            var flat = _file is FlattenedFileView ? "flattened " : "";
            return $"{flat}{kind} ({CodecName(Compression)})";
        }
    }

    /// <summary>QEMU's dump-guest-memory fills no utsname but the machine, and excludes nothing.</summary>
    private bool IsQemu => _header.SysName.Length == 0 && _header.Release.Length == 0;

    public int PageSize { get; }

    public ulong MaxPfn { get; }

    public VmcoreInfo? VmcoreInfo { get; }

    public int HeaderVersion => _header.HeaderVersion;

    public int? DumpLevel => _sub is { DumpLevel: >= 0 } ? _sub.DumpLevel : null;

    public long? PhysBase => _sub?.PhysBase;

    public int NrCpus => _header.NrCpus;

    public int CurrentCpu => (int)_header.CurrentCpu;

    public string UtsRelease => _header.Release;

    public string Machine => _header.Machine;

    public string MachineEvidence => $"the kdump header's utsname machine \"{_header.Machine}\"";

    public IReadOnlyList<DumpCpuState> Cpus { get; }

    public DumpTruncation? Truncation { get; }

    public DumpReadStatistics Statistics { get; } = new();

    /// <summary>Bitmap regions read and counted so far (for <c>dumpinfo -v</c>: open reads none).</summary>
    public (long RamLoaded, long DumpedLoaded, long DumpedCounted) BitmapRegions => (_ram.RegionsLoaded, _dumped.RegionsLoaded, _dumped.RegionsCounted);

    /// <summary>Returns true when <paramref name="head"/> starts with a kdump or diskdump signature.</summary>
    public static bool HasSignature(ReadOnlySpan<byte> head) =>
        head.Length >= 8 && (head[..8].SequenceEqual("KDUMP   "u8) || head[..8].SequenceEqual("DISKDUMP"u8));

    /// <summary>Opens a kdump image; takes ownership of <paramref name="file"/> only on success.</summary>
    public static KdumpDumpSource Open(DumpFileView file, DumpOpenOptions options)
    {
        var path = file.FilePath;
        var raw = new byte[DiskDumpHeader.ParsedLength];
        if (file.Length < raw.Length)
            throw DumpErrors.Malformed(path, file.Length, $"disk_dump_header: expected {raw.Length} bytes, the file has {file.Length}");
        file.ReadExactly(0, raw, "disk_dump_header");
        var h = DiskDumpHeader.Parse(raw);

        if (h.HeaderVersion < 0)
            throw DumpErrors.Malformed(path, 8, $"header_version is {h.HeaderVersion}, expected 0 or more");
        if (h.BlockSize < 512 || h.BlockSize > 1 << 20 || (h.BlockSize & (h.BlockSize - 1)) != 0)
            throw DumpErrors.Malformed(path, h.BlockSizeOffset, $"block_size is {h.BlockSize}, expected a power of two between 512 and 1 MiB");
        long blockSize = h.BlockSize;
        if (h.SubHeaderBlocks < 0 || h.SubHeaderBlocks * blockSize > file.Length)
            throw DumpErrors.Malformed(path, h.SubHeaderBlocksOffset,
                $"sub_hdr_size is {h.SubHeaderBlocks} blocks, expected a count that fits in the file ({file.Length} bytes)");

        bool isKdump = h.Signature == DiskDumpHeader.KdumpSignature;
        KdumpSubHeader? sub = null;
        if (isKdump && h.SubHeaderBlocks > 0)
        {
            int size = h.Is64Bit ? KdumpSubHeader.Size64 : KdumpSubHeader.Size32;
            var sb = new byte[size];
            int avail = (int)Math.Min(size, h.SubHeaderBlocks * blockSize);
            file.ReadExactly(blockSize, sb.AsSpan(0, avail), "kdump_sub_header");
            sub = KdumpSubHeader.Parse(sb, h.HeaderVersion, h.Is64Bit);
        }

        ulong maxPfn = sub is { MaxMapNr64: > 0 } ? sub.MaxMapNr64 : h.MaxMapNr;
        long bitmapOffset = (1 + h.SubHeaderBlocks) * blockSize;
        long bitmapBytes = h.BitmapBlocks * blockSize;
        long half = bitmapBytes / 2;
        if (h.BitmapBlocks == 0 || (h.BitmapBlocks & 1) != 0)
            throw DumpErrors.Malformed(path, h.BitmapBlocksOffset, $"bitmap_blocks is {h.BitmapBlocks}, expected a non-zero even count (two bitmaps of equal size)");
        if (maxPfn == 0 || maxPfn / 8 > (ulong)half || (maxPfn + 7) / 8 > (ulong)half)
            throw DumpErrors.Malformed(path, h.MaxMapNrOffset,
                $"max_mapnr is {maxPfn} frames but each bitmap holds {half} bytes ({half * 8} frames): the bitmap is shorter than max_mapnr");
        if (half > options.MaxBitmapBytes)
            throw DumpErrors.Malformed(path, h.BitmapBlocksOffset, $"each bitmap is {half} bytes; at most {options.MaxBitmapBytes} are accepted");
        if (bitmapOffset + bitmapBytes > file.Length)
            throw DumpErrors.Malformed(path, bitmapOffset,
                $"bitmaps: expected {bitmapBytes} bytes ({h.BitmapBlocks} blocks), the file ends {file.Length - bitmapOffset} bytes after their start");

        long used = (long)((maxPfn + 7) / 8);
        foreach (var (at, which) in new[] { (bitmapOffset, "1st bitmap"), (bitmapOffset + half, "2nd bitmap") })
            if (!file.Covers(at, used))
                throw DumpErrors.Malformed(path, at, $"{which}: expected {used} bytes for {maxPfn} frames, but the flattened records do not write all of them");
        // Read lazily, region by region: only what the frames asked for.
        var ram = new PageBitmap(file, bitmapOffset, maxPfn, "1st bitmap");
        var dumped = new PageBitmap(file, bitmapOffset + half, maxPfn, "2nd bitmap");
        long descTable = bitmapOffset + bitmapBytes;

        var notes = new DumpNotes { Machine = h.Machine };
        VmcoreInfo? info = null;
        if (sub is not null)
        {
            if (sub.SizeNote > 0)
            {
                var blob = ReadBlob(file, sub.OffsetNote, sub.SizeNote, options.MaxNoteBytes, "notes (offset_note/size_note)");
                notes.Parse(blob, path, sub.OffsetNote, options);
            }
            if (sub.SizeVmcoreInfo > 0)
            {
                var blob = ReadBlob(file, sub.OffsetVmcoreInfo, sub.SizeVmcoreInfo, VmcoreInfo.MaxTextLength, "VMCOREINFO (offset_vmcoreinfo/size_vmcoreinfo)");
                info = VmcoreInfo.Parse(Encoding.ASCII.GetString(blob));
            }
        }
        if (info is null && notes.VmcoreInfoText is { } text) info = VmcoreInfo.Parse(text);

        string? warning = null;
        if (info?.PageSize is { } ps && ps != h.BlockSize)
            warning = $"VMCOREINFO PAGESIZE={ps} differs from block_size {h.BlockSize}; pages are read as {h.BlockSize} bytes";

        return new KdumpDumpSource(file, h, sub, maxPfn, ram, dumped, descTable, notes, info, warning);
    }

    private static byte[] ReadBlob(DumpFileView file, long offset, long size, long max, string what)
    {
        if (size > max)
            throw DumpErrors.Malformed(file.FilePath, offset, $"{what}: {size} bytes; at most {max} are accepted");
        if (offset <= 0 || offset > file.Length - size)
            throw DumpErrors.Malformed(file.FilePath, offset, $"{what}: {size} bytes at 0x{offset:x} lie outside the file ({file.Length} bytes)");
        var blob = new byte[size];
        file.ReadExactly(offset, blob, what);
        return blob;
    }

    public PageState GetPageState(ulong pfn)
    {
        if (pfn >= MaxPfn) return PageState.NotInDump;
        if (_dumped.IsSet(pfn)) return pfn >= _splitStart && pfn < _splitEnd ? PageState.Present : PageState.NotInDump;
        return _ram.IsSet(pfn) ? PageState.Excluded : PageState.NotInDump;
    }

    /// <summary>Set bits of the 2nd bitmap before this file's first frame (0 unless the dump is split).</summary>
    private long RankBase => _splitStart == 0 ? 0 : _dumped.Rank(_splitStart);

    /// <summary>
    /// page_descs in the table: the dumped frames of this file's range. Counting them passes over the whole
    /// 2nd bitmap, so reading pages uses <see cref="_descCapacity"/> instead; this is for counts and messages.
    /// </summary>
    private long DescCount => _dumped.Rank(_splitEnd) - RankBase;

    /// <summary>
    /// How many page_descs fit before the page data, from the first descriptor alone: writers put the data
    /// right after the table (makedumpfile: at most one shared zero page first), and the first descriptor
    /// points at or after its start. A 2nd bitmap claiming more frames than that (damage) would make the
    /// extra descriptors be read out of compressed page data and decode to some other page. Null when the
    /// first descriptor says nothing usable (then the bitmap's count is the bound).
    /// </summary>
    private static long? DescCapacity(DumpFileView file, long descTableOffset, int maxStoredSize, out long dataStart)
    {
        dataStart = -1;
        Span<byte> first = stackalloc byte[PageDescSize];
        if (file.Read(descTableOffset, first) != PageDescSize) return null;
        long offset = BinaryPrimitives.ReadInt64LittleEndian(first);
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(first[8..]);
        if (offset <= descTableOffset || size == 0 || size > maxStoredSize) return null;
        dataStart = offset;
        return (offset - descTableOffset) / PageDescSize;
    }

    /// <summary>
    /// Whether the file ends before the data its headers describe, from a constant amount of reading: the
    /// page_desc table's end, then the last block of descriptors (makedumpfile writes page data in frame
    /// order, so the last descriptors point furthest; zero pages share one early data block) and the
    /// eraseinfo the sub-header places after the data. A descriptor pointing further than every dumped page
    /// could reach even uncompressed is damage, not truncation, and is left to the page read to report.
    /// </summary>
    private DumpTruncation? FindTruncation()
    {
        long length = _file.Length;
        long tableEnd = _descTableOffset + _descCapacity * PageDescSize;
        if (tableEnd > length)
            return NewTruncation(tableEnd,
                $"the page_desc table ({_descCapacity} descriptors at file offset 0x{_descTableOffset:x}) ends at 0x{tableEnd:x}, past the end of the file (0x{length:x}); its size is a lower bound");

        long reachable = tableEnd + (_descCapacity + 1) * _maxStoredSize;
        long described = tableEnd;
        string? detail = null;
        if (_descCapacity > 0)
        {
            // The capacity can exceed the count by a shared zero page's worth of descriptors (zeros, skipped).
            long first = Math.Max(0, _descCapacity - TruncationWindow);
            for (long i = first; i < _descCapacity; i++)
            {
                if (!TryGetDesc(i, out long offset, out uint size, out _) || offset <= 0 || size == 0 || size > _maxStoredSize) continue;
                if (offset > reachable - size || offset + size <= described) continue;
                described = offset + size;
                detail = $"page_desc {i} (file offset 0x{_descTableOffset + i * PageDescSize:x}) places {size} bytes of page data at 0x{offset:x}";
            }
        }
        if (_sub is { SizeEraseInfo: > 0, OffsetEraseInfo: > 0 } sub && sub.OffsetEraseInfo <= reachable - sub.SizeEraseInfo
            && sub.OffsetEraseInfo + sub.SizeEraseInfo > described)
        {
            described = sub.OffsetEraseInfo + sub.SizeEraseInfo;
            detail = $"the sub-header places {sub.SizeEraseInfo} bytes of eraseinfo at 0x{sub.OffsetEraseInfo:x}";
        }
        return described > length && detail is not null ? NewTruncation(described, $"{detail}; the file ends at 0x{length:x}") : null;
    }

    private DumpTruncation NewTruncation(long describedImageEnd, string detail)
    {
        // A flattened file's image is a little smaller than the file (record headers): compare like with like.
        long overhead = _file.DiskLength - _file.Length;
        return new DumpTruncation(_file.DiskLength, describedImageEnd + Math.Max(0, overhead), detail);
    }

    public PageRead ReadPage(ulong pfn, Span<byte> destination)
    {
        if (destination.Length < PageSize)
            throw new ArgumentException($"destination holds {destination.Length} bytes, a page is {PageSize}", nameof(destination));
        destination = destination[..PageSize];
        var state = GetPageState(pfn);
        if (state != PageState.Present)
            return new PageRead(state, state switch
            {
                PageState.Excluded => $"pfn 0x{pfn:x} is RAM (1st bitmap) but was not dumped (2nd bitmap)",
                _ when pfn >= MaxPfn => $"pfn 0x{pfn:x} is beyond max_mapnr 0x{MaxPfn:x}",
                _ when _dumped.IsSet(pfn) => $"pfn 0x{pfn:x} is outside this split file's range 0x{_splitStart:x}-0x{_splitEnd:x}",
                _ => $"pfn 0x{pfn:x} is not RAM in the 1st bitmap",
            });

        long index = _dumped.Rank(pfn) - RankBase;
        long descAt = _descTableOffset + index * PageDescSize;
        if (index >= _descCapacity)
            return new PageRead(PageState.Corrupt,
                $"pfn 0x{pfn:x}: the 2nd bitmap marks {DescCount} frames dumped, but the page_desc table at 0x{_descTableOffset:x} holds {_descCapacity} (page data starts at 0x{_dataStart:x}); this frame's page_desc would lie in page data");
        if (!TryGetDesc(index, out long offset, out uint size, out uint flags))
            return new PageRead(PageState.Truncated, $"page_desc of pfn 0x{pfn:x} at file offset 0x{descAt:x}: the file ends at 0x{_file.Length:x}");

        if (offset <= 0 || size == 0)
        {
            // An incomplete dump (makedumpfile ran out of space) leaves unwritten page_descs zero.
            bool incomplete = (_header.Status & PageCodecs.FlagIncomplete) != 0;
            return new PageRead(incomplete ? PageState.Truncated : PageState.Corrupt,
                $"page_desc of pfn 0x{pfn:x} at file offset 0x{descAt:x}: offset 0x{offset:x} size {size}" + (incomplete ? " (dump marked incomplete)" : ", expected a data location"));
        }
        if (size > _maxStoredSize)
            return new PageRead(PageState.Corrupt, $"page_desc of pfn 0x{pfn:x} at file offset 0x{descAt:x}: size {size}, expected at most {PageSize}");
        if (offset > _file.Length - size)
            return new PageRead(PageState.Truncated, $"pfn 0x{pfn:x}: {size} bytes at file offset 0x{offset:x} run past the end of the file (0x{_file.Length:x})");
        if (PageCodecs.FromPageFlags(flags) is not { } codec)
            return new PageRead(PageState.Corrupt, $"page_desc of pfn 0x{pfn:x} at file offset 0x{descAt:x}: flags 0x{flags:x} name no single codec");

        var buffer = ArrayPool<byte>.Shared.Rent((int)size);
        try
        {
            int n = _file.Read(offset, buffer.AsSpan(0, (int)size));
            if (n != size)
                return new PageRead(PageState.Truncated, $"pfn 0x{pfn:x}: expected {size} bytes at file offset 0x{offset:x}, read {n}");
            Statistics.PageRead(size, codec == PageCompression.None ? 0 : PageSize);
            if (PageCodecs.Decompress(codec, buffer, (int)size, destination) is { } error)
                return new PageRead(PageState.Corrupt, $"pfn 0x{pfn:x}: {size} bytes at file offset 0x{offset:x}: {error}");
            return PageRead.Ok;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The stored (still compressed) bytes of a dumped page and its codec, or null when the page is not
    /// present or its descriptor or data cannot be read. For codec tests and the raw-codec benchmark.
    /// </summary>
    internal (byte[] Data, PageCompression Codec)? ReadStoredPage(ulong pfn)
    {
        if (GetPageState(pfn) != PageState.Present) return null;
        if (!TryGetDesc(_dumped.Rank(pfn) - RankBase, out long offset, out uint size, out uint flags)) return null;
        if (offset <= 0 || size == 0 || size > _maxStoredSize || offset > _file.Length - size) return null;
        if (PageCodecs.FromPageFlags(flags) is not { } codec) return null;
        var data = new byte[size];
        return _file.Read(offset, data) == size ? (data, codec) : null;
    }

    /// <summary>
    /// Reads a page_desc through a small lock-free cache of 128-descriptor blocks: sequential and nearby
    /// reads hit it, and replacing a slot is one reference write, so concurrent readers need no lock.
    /// </summary>
    private bool TryGetDesc(long index, out long offset, out uint size, out uint flags)
    {
        offset = 0;
        size = flags = 0;
        if (index < 0 || index >= _descCapacity) return false;
        long block = index / DescsPerBlock;
        ref var slot = ref _descCache[block & (DescCacheSlots - 1)];
        var cached = Volatile.Read(ref slot);
        if (cached is null || cached.Block != block)
        {
            int want = (int)Math.Min(DescsPerBlock, _descCapacity - block * DescsPerBlock);
            var raw = new byte[want * PageDescSize];
            int n = _file.Read(_descTableOffset + block * DescsPerBlock * PageDescSize, raw);
            cached = new DescBlock(block, raw, n / PageDescSize);
            Volatile.Write(ref slot, cached);
        }
        int within = (int)(index % DescsPerBlock);
        if (within >= cached.Count) return false;
        var d = cached.Raw.AsSpan(within * PageDescSize, PageDescSize);
        offset = BinaryPrimitives.ReadInt64LittleEndian(d);
        size = BinaryPrimitives.ReadUInt32LittleEndian(d[8..]);
        flags = BinaryPrimitives.ReadUInt32LittleEndian(d[12..]);
        return true;
    }

    public DumpPageCounts CountPages() => _counts.Value;

    /// <summary>Counting reads both bitmaps: cheap once done, or for bitmaps of 16 MiB or less (a 512 GiB machine).</summary>
    public bool CountingIsCheap => _counts.IsValueCreated || _ram.BitCount / 8 <= CheapCountBitmapBytes;

    private const ulong CheapCountBitmapBytes = 16UL << 20;

    /// <summary>One streaming pass over both bitmaps (both cores); nothing of them stays resident.</summary>
    private DumpPageCounts Count()
    {
        var (excluded, described, dumped) = PageBitmap.CountPair(_ram, _dumped, Environment.ProcessorCount);
        long present = _splitStart == 0 && _splitEnd == MaxPfn ? dumped : DescCount;
        long outsideSplit = dumped - present;
        return new DumpPageCounts((ulong)present, (ulong)excluded, MaxPfn - (ulong)described + (ulong)outsideSplit);
    }

    public IReadOnlyList<KeyValuePair<string, string>> Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        var list = new List<KeyValuePair<string, string>>
        {
            new("format", FormatName),
            new("file", FilePath),
            new("file size", _file.Length.ToString(inv)),
            new("signature", _header.Signature.TrimEnd()),
            new("header version", _header.HeaderVersion.ToString(inv)),
            new("header layout", _header.Is64Bit ? "64-bit" : "32-bit"),
            new("compression", CodecName(Compression)),
            new("dump level", DumpLevel is { } level ? level.ToString(inv) : "unknown"),
            new("page size", PageSize.ToString(inv)),
            new("max pfn", $"0x{MaxPfn:x}"),
            new("bitmap blocks", _header.BitmapBlocks.ToString(inv)),
            new("nr_cpus", _header.NrCpus.ToString(inv)),
            new("current cpu", _header.CurrentCpu.ToString(inv)),
            new("cpu notes", $"{_notes.PrStatusCount} PRSTATUS" + (_notes.QemuCpuStateCount > 0 ? $", {_notes.QemuCpuStateCount} QEMU CPU state" : "")),
        };
        if (_header.Release.Length > 0) list.Add(new("release", _header.Release));
        if (_header.Machine.Length > 0) list.Add(new("machine", _header.Machine));
        if (_header.TimestampSeconds > 0)
        {
            // The header's timestamp is file data: one past year 9999 is shown as a number, not thrown on.
            list.Add(new("timestamp", _header.TimestampSeconds <= MaxUnixSeconds
                ? DateTimeOffset.FromUnixTimeSeconds(_header.TimestampSeconds).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", inv)
                : $"{_header.TimestampSeconds} s after 1970 (not a valid date)"));
        }
        if (_sub is not null) list.Add(new("phys_base", $"0x{_sub.PhysBase:x}"));
        if (_sub is { Split: true }) list.Add(new("split", $"pfn 0x{_splitStart:x}-0x{_splitEnd:x}"));
        if ((_header.Status & PageCodecs.FlagIncomplete) != 0) list.Add(new("incomplete", "yes (makedumpfile did not finish writing)"));
        if ((_header.Status & PageCodecs.FlagExcludedVmemmap) != 0) list.Add(new("excluded vmemmap", "yes"));
        if (_file is FlattenedFileView flat)
            list.Add(new("flattened records", flat.RecordCount.ToString(inv) + (flat.IsTruncated ? " (file truncated)" : "")));
        if (Truncation is { } truncation) list.Add(new("truncated", truncation.Detail));
        if (_pageSizeWarning is not null) list.Add(new("warning", _pageSizeWarning));
        if (CountingIsCheap && _descCapacity < (long)CountPages().Present)
            list.Add(new("warning", $"the 2nd bitmap marks {CountPages().Present} frames dumped but the page_desc table holds {_descCapacity}: the bitmap is damaged"));
        return list;
    }

    internal static string CodecName(PageCompression c) => c switch
    {
        PageCompression.Zlib => "zlib",
        PageCompression.Lzo => "lzo",
        PageCompression.Snappy => "snappy",
        PageCompression.Zstd => "zstd",
        _ => "none",
    };

    public void Dispose() => _file.Dispose();
}
