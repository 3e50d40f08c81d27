namespace DumpScope.Host.Dumps;

/// <summary>
/// An x86-64 or arm64 ELF core of a kernel: /proc/vmcore as saved by kdump (virtual and physical PT_LOADs for the
/// same RAM), makedumpfile -E output (a PT_LOAD whose p_filesz &lt; p_memsz has its tail EXCLUDED, not zero)
/// and QEMU dump-guest-memory (p_vaddr = 0, QEMU CPU notes). Pages are addressed by p_paddr.
/// </summary>
internal sealed class ElfDumpSource : IDumpSource, IDumpPageStatistics, IDumpReadStatistics, IDumpMachineInfo
{
    private const ushort EtCore = 4;
    private const ushort EmX86_64 = 62;
    private const ushort EmAarch64 = 183;
    private const uint PtLoad = 1;
    private const uint PtNote = 4;
    private const ushort PnXNum = 0xffff;
    private const int EhdrSize = 64;
    private const int PhdrSize = 56;

    private readonly DumpFileView _file;
    private readonly long[] _starts;
    private readonly long[] _ends;
    private readonly long[] _fileOffsets; // -1 for excluded pieces
    private readonly int _pageShift;
    private readonly int _loadCount;
    private readonly DumpNotes _notes;
    private readonly bool _isQemu;
    private readonly bool _hasExcluded;
    private readonly Lazy<DumpPageCounts> _counts;

    private ElfDumpSource(DumpFileView file, long[] starts, long[] ends, long[] fileOffsets, int pageSize,
        ulong maxPfn, int loadCount, DumpNotes notes, VmcoreInfo? info, DumpTruncation? truncation, ushort machine)
    {
        Machine = machine == EmAarch64 ? "aarch64" : "x86_64";
        MachineEvidence = $"ELF e_machine {machine} ({(machine == EmAarch64 ? "EM_AARCH64" : "EM_X86_64")})";
        Truncation = truncation;
        _file = file;
        _starts = starts;
        _ends = ends;
        _fileOffsets = fileOffsets;
        PageSize = pageSize;
        _pageShift = System.Numerics.BitOperations.Log2((uint)pageSize);
        MaxPfn = maxPfn;
        _loadCount = loadCount;
        _notes = notes;
        VmcoreInfo = info;
        Cpus = notes.Cpus;
        _isQemu = notes.QemuCpuStateCount > 0;
        _hasExcluded = Array.IndexOf(fileOffsets, -1L) >= 0;
        _counts = new Lazy<DumpPageCounts>(Count);
    }

    public string FilePath => _file.FilePath;

    public string Machine { get; }

    public string MachineEvidence { get; }

    public string FormatName => (_file is FlattenedFileView ? "flattened " : "") + (_isQemu ? "QEMU ELF" : "ELF vmcore");

    public int PageSize { get; }

    public ulong MaxPfn { get; }

    public VmcoreInfo? VmcoreInfo { get; }

    public IReadOnlyList<DumpCpuState> Cpus { get; }

    public DumpTruncation? Truncation { get; }

    public DumpReadStatistics Statistics { get; } = new();

    /// <summary>Opens an ELF image; takes ownership of <paramref name="file"/> only on success.</summary>
    public static ElfDumpSource Open(DumpFileView file, DumpOpenOptions options)
    {
        var path = file.FilePath;
        Span<byte> eh = stackalloc byte[EhdrSize];
        if (file.Length < EhdrSize)
            throw DumpErrors.Malformed(path, 0, $"ELF header: expected {EhdrSize} bytes, the file has {file.Length}");
        file.ReadExactly(0, eh, "ELF header");
        if (eh[4] != 2)
            throw new NotSupportedException($"{path}: ELF class {eh[4]} (only 64-bit ELF cores are supported)");
        if (eh[5] != 1)
            throw new NotSupportedException($"{path}: ELF data encoding {eh[5]} (only little-endian cores are supported)");
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(eh[16..]);
        ushort machine = BinaryPrimitives.ReadUInt16LittleEndian(eh[18..]);
        if (type != EtCore)
            throw DumpErrors.Malformed(path, 16, $"ELF e_type is {type}, expected {EtCore} (ET_CORE): an ELF file but not a core dump");
        if (machine != EmX86_64 && machine != EmAarch64)
            throw new NotSupportedException($"{path}: ELF e_machine {machine} (only x86-64, {EmX86_64}, and AArch64, {EmAarch64}, are supported)");
        long phoff = BinaryPrimitives.ReadInt64LittleEndian(eh[32..]);
        long shoff = BinaryPrimitives.ReadInt64LittleEndian(eh[40..]);
        ushort phentsize = BinaryPrimitives.ReadUInt16LittleEndian(eh[54..]);
        long phnum = BinaryPrimitives.ReadUInt16LittleEndian(eh[56..]);
        if (phnum == PnXNum)
        {
            // More than 65534 headers: the real count is sh_info of section header 0.
            Span<byte> sh = stackalloc byte[4];
            file.ReadExactly(shoff + 44, sh, "section header 0 sh_info (e_phnum is PN_XNUM)");
            phnum = BinaryPrimitives.ReadUInt32LittleEndian(sh);
        }
        if (phentsize != PhdrSize)
            throw DumpErrors.Malformed(path, 54, $"e_phentsize is {phentsize}, expected {PhdrSize}");
        if (phnum > options.MaxProgramHeaders)
            throw DumpErrors.Malformed(path, 56, $"{phnum} program headers; at most {options.MaxProgramHeaders} are accepted");
        if (phoff < 0 || phoff + phnum * PhdrSize > file.Length)
            throw DumpErrors.Malformed(path, 32,
                $"program headers: {phnum} x {PhdrSize} bytes at 0x{phoff:x} run past the end of the file ({file.Length} bytes)");

        var phdrs = new byte[phnum * PhdrSize];
        file.ReadExactly(phoff, phdrs, "program headers");

        var notes = new DumpNotes { Machine = machine == EmAarch64 ? "aarch64" : "x86_64" };
        var intervals = new List<IntervalResolver.Interval>();
        var loadFileOffsets = new List<long>();
        long noteBytes = 0, dataEnd = 0, dataEndHeader = -1;
        int loads = 0;
        for (int i = 0; i < phnum; i++)
        {
            var ph = phdrs.AsSpan(i * PhdrSize, PhdrSize);
            uint ptype = BinaryPrimitives.ReadUInt32LittleEndian(ph);
            long offset = BinaryPrimitives.ReadInt64LittleEndian(ph[8..]);
            ulong paddr = BinaryPrimitives.ReadUInt64LittleEndian(ph[24..]);
            long filesz = BinaryPrimitives.ReadInt64LittleEndian(ph[32..]);
            long memsz = BinaryPrimitives.ReadInt64LittleEndian(ph[40..]);
            long at = phoff + i * PhdrSize;
            if (ptype == PtNote)
            {
                if (filesz < 0 || offset < 0 || filesz > options.MaxNoteBytes - noteBytes)
                    throw DumpErrors.Malformed(path, at, $"PT_NOTE of {filesz} bytes; at most {options.MaxNoteBytes} bytes of notes are accepted");
                if (offset + filesz > file.Length)
                    throw DumpErrors.Malformed(path, at, $"PT_NOTE data at 0x{offset:x} ({filesz} bytes) runs past the end of the file ({file.Length} bytes)");
                noteBytes += filesz;
                var blob = new byte[filesz];
                file.ReadExactly(offset, blob, "PT_NOTE data");
                notes.Parse(blob, path, offset, options);
            }
            else if (ptype == PtLoad)
            {
                loads++;
                if (filesz < 0 || memsz < 0 || offset < 0 || paddr > long.MaxValue || (long)paddr > long.MaxValue - Math.Max(memsz, filesz))
                    throw DumpErrors.Malformed(path, at,
                        $"PT_LOAD: expected a sane range, found p_paddr 0x{paddr:x} p_offset 0x{offset:x} p_filesz 0x{filesz:x} p_memsz 0x{memsz:x}");
                long start = (long)paddr;
                long data = Math.Min(filesz, memsz == 0 ? filesz : memsz);
                // Data: wins over any range of another header that says the same frames are excluded.
                if (data > 0)
                {
                    long end = offset > long.MaxValue - data ? long.MaxValue : offset + data;
                    if (end > dataEnd)
                    {
                        dataEnd = end;
                        dataEndHeader = i;
                    }
                    intervals.Add(new IntervalResolver.Interval(start, start + data, 2L * phnum - i, loadFileOffsets.Count));
                    loadFileOffsets.Add(offset);
                }
                if (memsz > data)
                {
                    intervals.Add(new IntervalResolver.Interval(start + data, start + memsz, phnum - i, loadFileOffsets.Count));
                    loadFileOffsets.Add(-1 - (start + data)); // marks an excluded tail; value unused
                }
            }
        }

        VmcoreInfo? info = notes.VmcoreInfoText is { } text ? VmcoreInfo.Parse(text) : null;
        int pageSize = info?.PageSize ?? 4096;
        if (pageSize < 512 || pageSize > 1 << 20 || (pageSize & (pageSize - 1)) != 0)
            throw DumpErrors.Malformed(path, notes.VmcoreInfoOffset, $"VMCOREINFO PAGESIZE={pageSize}: expected a power of two between 512 and 1 MiB");

        var pieces = IntervalResolver.Resolve(intervals);
        var starts = new long[pieces.Count];
        var ends = new long[pieces.Count];
        var offsets = new long[pieces.Count];
        long maxEnd = 0;
        for (int i = 0; i < pieces.Count; i++)
        {
            var p = pieces[i];
            starts[i] = p.Start;
            ends[i] = p.End;
            long fo = loadFileOffsets[p.Id];
            offsets[i] = fo < 0 ? -1 : fo + (p.Start - intervals[p.Id].Start);
            maxEnd = Math.Max(maxEnd, p.End);
        }
        ulong maxPfn = ((ulong)maxEnd + (ulong)pageSize - 1) / (ulong)pageSize;
        DumpTruncation? truncation = null;
        if (dataEnd > file.Length)
        {
            // A flattened file's image is a little smaller than the file (record headers): compare like with like.
            long overhead = Math.Max(0, file.DiskLength - file.Length);
            truncation = new DumpTruncation(file.DiskLength, dataEnd > long.MaxValue - overhead ? long.MaxValue : dataEnd + overhead,
                $"program header {dataEndHeader} (PT_LOAD at file offset 0x{phoff + dataEndHeader * PhdrSize:x}) has data up to 0x{dataEnd:x}; the file ends at 0x{file.Length:x}");
        }
        return new ElfDumpSource(file, starts, ends, offsets, pageSize, maxPfn, loads, notes, info, truncation, machine);
    }

    /// <summary>
    /// A frame is present when any header gives it file data (the rest of a partly covered frame reads as
    /// zeros, the ELF p_memsz rule); excluded only when excluded ranges cover all of it; a frame only partly
    /// described and without data (the 0x9fc00 end of low RAM) is not in the dump, as makedumpfile's own
    /// bitmaps count it.
    /// </summary>
    public PageState GetPageState(ulong pfn)
    {
        if (pfn >= MaxPfn) return PageState.NotInDump;
        long pageStart = (long)(pfn << _pageShift);
        long pageEnd = pageStart + PageSize;
        long covered = 0;
        for (int i = FindPiece(pageStart); i < _starts.Length && _starts[i] < pageEnd; i++)
        {
            if (_fileOffsets[i] >= 0) return PageState.Present;
            covered += Math.Min(_ends[i], pageEnd) - Math.Max(_starts[i], pageStart);
        }
        return covered == PageSize ? PageState.Excluded : PageState.NotInDump;
    }

    public PageRead ReadPage(ulong pfn, Span<byte> destination)
    {
        if (destination.Length < PageSize)
            throw new ArgumentException($"destination holds {destination.Length} bytes, a page is {PageSize}", nameof(destination));
        destination = destination[..PageSize];
        if (pfn >= MaxPfn) return new PageRead(PageState.NotInDump, $"pfn 0x{pfn:x} is beyond the dump's highest frame 0x{MaxPfn:x}");
        long pageStart = (long)(pfn << _pageShift);
        long pageEnd = pageStart + PageSize;
        int i = FindPiece(pageStart);

        // Fast path: one PT_LOAD with data covers the whole page.
        if (i < _starts.Length && _starts[i] <= pageStart && _ends[i] >= pageEnd && _fileOffsets[i] >= 0)
            return ReadData(_fileOffsets[i] + (pageStart - _starts[i]), destination);

        // The page straddles headers: data where some header has it, zeros elsewhere (ELF memsz semantics).
        bool anyData = false;
        long excludedBytes = 0;
        for (; i < _starts.Length && _starts[i] < pageEnd; i++)
        {
            long from = Math.Max(_starts[i], pageStart);
            long to = Math.Min(_ends[i], pageEnd);
            if (_fileOffsets[i] < 0)
            {
                excludedBytes += to - from;
                continue;
            }
            if (!anyData) destination.Clear();
            anyData = true;
            var part = destination.Slice((int)(from - pageStart), (int)(to - from));
            var r = ReadData(_fileOffsets[i] + (from - _starts[i]), part);
            if (r.State != PageState.Present) return r;
        }
        if (anyData) return PageRead.Ok;
        return excludedBytes == PageSize
            ? new PageRead(PageState.Excluded, $"pfn 0x{pfn:x} is in a PT_LOAD's p_memsz beyond p_filesz")
            : new PageRead(PageState.NotInDump, $"no PT_LOAD covers physical address 0x{pageStart:x}");
    }

    private PageRead ReadData(long fileOffset, Span<byte> destination)
    {
        int n = _file.Read(fileOffset, destination);
        Statistics.PageRead(n, 0);
        return n == destination.Length
            ? PageRead.Ok
            : new PageRead(PageState.Truncated, $"file offset 0x{fileOffset + n:x}: the file ends at 0x{_file.Length:x}");
    }

    /// <summary>Index of the first piece ending after <paramref name="address"/>.</summary>
    private int FindPiece(long address)
    {
        int lo = 0, hi = _starts.Length - 1, found = _starts.Length;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_ends[mid] > address) { found = mid; hi = mid - 1; }
            else lo = mid + 1;
        }
        return found;
    }

    public DumpPageCounts CountPages() => _counts.Value;

    /// <summary>Counts with the rules of <see cref="GetPageState"/>, walking pieces, not frames.</summary>
    private DumpPageCounts Count()
    {
        ulong present = 0, excluded = 0;
        long pendingPfn = -1, pendingCovered = 0;
        bool pendingData = false;
        void Flush()
        {
            if (pendingPfn >= 0)
            {
                if (pendingData) present++;
                else if (pendingCovered == PageSize) excluded++;
            }
            pendingPfn = -1;
            pendingCovered = 0;
            pendingData = false;
        }
        for (int i = 0; i < _starts.Length; i++)
        {
            long s = _starts[i], e = _ends[i];
            bool data = _fileOffsets[i] >= 0;
            long p = s >> _pageShift;
            long last = (e - 1) >> _pageShift;
            while (p <= last)
            {
                long ps = p << _pageShift, pe = ps + PageSize;
                if (s <= ps && e >= pe)
                {
                    // Whole frames inside this piece: no other piece touches them.
                    long lastFull = (e >> _pageShift) - 1;
                    Flush();
                    ulong n = (ulong)(lastFull - p + 1);
                    if (data) present += n; else excluded += n;
                    p = lastFull + 1;
                    continue;
                }
                if (p != pendingPfn)
                {
                    Flush();
                    pendingPfn = p;
                }
                pendingCovered += Math.Min(e, pe) - Math.Max(s, ps);
                pendingData |= data;
                p++;
            }
        }
        Flush();
        return new DumpPageCounts(present, excluded, MaxPfn - present - excluded);
    }

    public IReadOnlyList<KeyValuePair<string, string>> Describe()
    {
        var list = new List<KeyValuePair<string, string>>
        {
            new("format", FormatName),
            new("file", FilePath),
            new("file size", _file.Length.ToString(CultureInfo.InvariantCulture)),
            new("compression", "none"),
            new("excluded pages", _hasExcluded ? "yes (PT_LOAD p_filesz < p_memsz: makedumpfile -E)" : "none"),
            new("program headers", $"{_loadCount} PT_LOAD"),
            new("page size", PageSize.ToString(CultureInfo.InvariantCulture)),
            new("max pfn", $"0x{MaxPfn:x}"),
            new("cpu notes", $"{_notes.PrStatusCount} PRSTATUS" + (_notes.QemuCpuStateCount > 0 ? $", {_notes.QemuCpuStateCount} QEMU CPU state" : "")),
        };
        // x86-64 was the only machine once; its listing stays as it was.
        if (Machine != "x86_64") list.Insert(3, new("machine", Machine));
        if (_file is FlattenedFileView flat)
            list.Add(new("flattened records", flat.RecordCount.ToString(CultureInfo.InvariantCulture) + (flat.IsTruncated ? " (file truncated)" : "")));
        if (Truncation is { } truncation) list.Add(new("truncated", truncation.Detail));
        return list;
    }

    public void Dispose() => _file.Dispose();
}
