namespace DumpScope.Host.Dumps;

/// <summary>
/// makedumpfile's <c>struct kdump_sub_header</c> (the blocks after block 0). Fields appear with header
/// versions: dump_level (1), split and 32-bit start/end pfn (2), vmcoreinfo offset/size (3), notes (4),
/// eraseinfo (5), 64-bit start/end pfn and max_mapnr (6). On 32-bit machines <c>unsigned long</c> is 4 bytes
/// and <c>off_t</c> 8 bytes aligned to 4 (the i386 ABI, makedumpfile built with large-file support).
/// </summary>
internal sealed record KdumpSubHeader
{
    public long PhysBase { get; init; }
    public int DumpLevel { get; init; } = -1;
    public bool Split { get; init; }
    public ulong StartPfn { get; init; }
    public ulong EndPfn { get; init; }
    public long OffsetVmcoreInfo { get; init; }
    public long SizeVmcoreInfo { get; init; }
    public long OffsetNote { get; init; }
    public long SizeNote { get; init; }
    public long OffsetEraseInfo { get; init; }
    public long SizeEraseInfo { get; init; }
    public ulong MaxMapNr64 { get; init; }

    /// <summary>Bytes of the 64-bit layout.</summary>
    public const int Size64 = 104;

    /// <summary>Bytes of the 32-bit layout.</summary>
    public const int Size32 = 80;

    public static KdumpSubHeader Parse(ReadOnlySpan<byte> b, int headerVersion, bool is64)
    {
        // The fields in declaration order; only their widths differ between the two layouts.
        var r = new Fields(b, is64);
        long physBase = r.SignedLong();
        int dumpLevel = r.Int(), split = r.Int();
        ulong startPfn = r.UnsignedLong(), endPfn = r.UnsignedLong();
        long offsetVmcoreInfo = r.OffT(), sizeVmcoreInfo = (long)r.UnsignedLong();
        long offsetNote = r.OffT(), sizeNote = (long)r.UnsignedLong();
        long offsetEraseInfo = r.OffT(), sizeEraseInfo = (long)r.UnsignedLong();
        ulong startPfn64 = r.U64(), endPfn64 = r.U64(), maxMapNr64 = r.U64();
        return new KdumpSubHeader
        {
            PhysBase = physBase,
            DumpLevel = headerVersion >= 1 ? dumpLevel : -1,
            Split = headerVersion >= 2 && split != 0,
            StartPfn = headerVersion >= 6 ? startPfn64 : headerVersion >= 2 ? startPfn : 0,
            EndPfn = headerVersion >= 6 ? endPfn64 : headerVersion >= 2 ? endPfn : 0,
            OffsetVmcoreInfo = headerVersion >= 3 ? offsetVmcoreInfo : 0,
            SizeVmcoreInfo = headerVersion >= 3 ? sizeVmcoreInfo : 0,
            OffsetNote = headerVersion >= 4 ? offsetNote : 0,
            SizeNote = headerVersion >= 4 ? sizeNote : 0,
            OffsetEraseInfo = headerVersion >= 5 ? offsetEraseInfo : 0,
            SizeEraseInfo = headerVersion >= 5 ? sizeEraseInfo : 0,
            MaxMapNr64 = headerVersion >= 6 ? maxMapNr64 : 0,
        };
    }

    // Reads the fields one after another: unsigned long is 4 or 8 bytes; int 4; off_t and u64 8 (4-aligned on i386,
    // where every field then follows the one before; 8-aligned on x86-64, where they fall on 8 anyway).
    private ref struct Fields(ReadOnlySpan<byte> bytes, bool is64)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at;

        public long SignedLong() => is64 ? (long)U64() : BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public ulong UnsignedLong() => is64 ? U64() : BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public int Int() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public long OffT() => (long)U64();

        public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        private ReadOnlySpan<byte> Take(int count)
        {
            var field = _bytes.Slice(_at, count);
            _at += count;
            return field;
        }
    }
}
