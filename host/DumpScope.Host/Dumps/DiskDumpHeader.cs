namespace DumpScope.Host.Dumps;

/// <summary>
/// makedumpfile's <c>struct disk_dump_header</c> (block 0 of a kdump-compressed file). The layout depends on
/// the dumped machine's word size: a 64-bit header has an 8-byte-aligned 16-byte timeval, a 32-bit one a
/// 4-byte-aligned 8-byte timeval, which shifts every later field.
/// </summary>
internal sealed record DiskDumpHeader
{
    /// <summary>Signature of makedumpfile's format.</summary>
    public const string KdumpSignature = "KDUMP   ";

    /// <summary>Signature of the older diskdump format (same header layout).</summary>
    public const string DiskDumpSignature = "DISKDUMP";

    /// <summary>Size of <c>struct new_utsname</c>: six fields of 65 bytes.</summary>
    private const int UtsFieldLength = 65;

    /// <summary>Bytes needed to parse either layout.</summary>
    public const int ParsedLength = 464;

    public required string Signature { get; init; }
    public required int HeaderVersion { get; init; }
    public required string SysName { get; init; }
    public required string NodeName { get; init; }
    public required string Release { get; init; }
    public required string Version { get; init; }
    public required string Machine { get; init; }
    public required long TimestampSeconds { get; init; }
    public required uint Status { get; init; }
    public required int BlockSize { get; init; }
    public required int SubHeaderBlocks { get; init; }
    public required uint BitmapBlocks { get; init; }
    public required uint MaxMapNr { get; init; }
    public required uint TotalRamBlocks { get; init; }
    public required uint DeviceBlocks { get; init; }
    public required uint WrittenBlocks { get; init; }
    public required uint CurrentCpu { get; init; }
    public required int NrCpus { get; init; }

    /// <summary>True for the 64-bit layout.</summary>
    public required bool Is64Bit { get; init; }

    /// <summary>Machines whose makedumpfile writes the 32-bit layout.</summary>
    private static readonly string[] Machines32 = ["i386", "i486", "i586", "i686", "arm", "armv7l", "ppc", "mips", "s390", "sh4"];

    /// <summary>
    /// Parses block 0. The word size comes from utsname.machine when it names a 32-bit machine; otherwise the
    /// 64-bit layout is used unless its block_size is implausible and the 32-bit one's is plausible.
    /// </summary>
    public static DiskDumpHeader Parse(ReadOnlySpan<byte> b)
    {
        string machine = Uts(b, 4);
        bool named32 = Array.IndexOf(Machines32, machine) >= 0 || machine.StartsWith("armv", StringComparison.Ordinal);
        bool is64 = !named32;
        if (!named32 && !PlausibleBlockSize(BinaryPrimitives.ReadInt32LittleEndian(b[428..]))
            && PlausibleBlockSize(BinaryPrimitives.ReadInt32LittleEndian(b[416..])))
            is64 = false;
        // 64-bit: timeval at 408 (16 bytes), status at 424. 32-bit: timeval at 404 (8 bytes), status at 412.
        int tv = is64 ? 408 : 404;
        int s = is64 ? 424 : 412;
        return new DiskDumpHeader
        {
            Signature = Encoding.ASCII.GetString(b[..8]),
            HeaderVersion = BinaryPrimitives.ReadInt32LittleEndian(b[8..]),
            SysName = Uts(b, 0),
            NodeName = Uts(b, 1),
            Release = Uts(b, 2),
            Version = Uts(b, 3),
            Machine = machine,
            TimestampSeconds = is64 ? BinaryPrimitives.ReadInt64LittleEndian(b[tv..]) : BinaryPrimitives.ReadInt32LittleEndian(b[tv..]),
            Status = BinaryPrimitives.ReadUInt32LittleEndian(b[s..]),
            BlockSize = BinaryPrimitives.ReadInt32LittleEndian(b[(s + 4)..]),
            SubHeaderBlocks = BinaryPrimitives.ReadInt32LittleEndian(b[(s + 8)..]),
            BitmapBlocks = BinaryPrimitives.ReadUInt32LittleEndian(b[(s + 12)..]),
            MaxMapNr = BinaryPrimitives.ReadUInt32LittleEndian(b[(s + 16)..]),
            TotalRamBlocks = BinaryPrimitives.ReadUInt32LittleEndian(b[(s + 20)..]),
            DeviceBlocks = BinaryPrimitives.ReadUInt32LittleEndian(b[(s + 24)..]),
            WrittenBlocks = BinaryPrimitives.ReadUInt32LittleEndian(b[(s + 28)..]),
            CurrentCpu = BinaryPrimitives.ReadUInt32LittleEndian(b[(s + 32)..]),
            NrCpus = BinaryPrimitives.ReadInt32LittleEndian(b[(s + 36)..]),
            Is64Bit = is64,
        };
    }

    /// <summary>File offset of the block_size field in this layout (for error messages).</summary>
    public int BlockSizeOffset => Is64Bit ? 428 : 416;

    /// <summary>File offset of the bitmap_blocks field.</summary>
    public int BitmapBlocksOffset => Is64Bit ? 436 : 424;

    /// <summary>File offset of the max_mapnr field.</summary>
    public int MaxMapNrOffset => Is64Bit ? 440 : 428;

    /// <summary>File offset of the sub_hdr_size field.</summary>
    public int SubHeaderBlocksOffset => Is64Bit ? 432 : 420;

    private static bool PlausibleBlockSize(int v) => v >= 512 && v <= 1 << 20 && (v & (v - 1)) == 0;

    private static string Uts(ReadOnlySpan<byte> b, int field)
    {
        var raw = b.Slice(12 + field * UtsFieldLength, UtsFieldLength);
        int nul = raw.IndexOf((byte)0);
        if (nul >= 0) raw = raw[..nul];
        return Encoding.ASCII.GetString(raw);
    }
}
