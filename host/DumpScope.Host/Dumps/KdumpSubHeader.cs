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
        if (is64)
        {
            return new KdumpSubHeader
            {
                PhysBase = BinaryPrimitives.ReadInt64LittleEndian(b),
                DumpLevel = headerVersion >= 1 ? BinaryPrimitives.ReadInt32LittleEndian(b[8..]) : -1,
                Split = headerVersion >= 2 && BinaryPrimitives.ReadInt32LittleEndian(b[12..]) != 0,
                StartPfn = headerVersion >= 6 ? BinaryPrimitives.ReadUInt64LittleEndian(b[80..]) : headerVersion >= 2 ? BinaryPrimitives.ReadUInt64LittleEndian(b[16..]) : 0,
                EndPfn = headerVersion >= 6 ? BinaryPrimitives.ReadUInt64LittleEndian(b[88..]) : headerVersion >= 2 ? BinaryPrimitives.ReadUInt64LittleEndian(b[24..]) : 0,
                OffsetVmcoreInfo = headerVersion >= 3 ? BinaryPrimitives.ReadInt64LittleEndian(b[32..]) : 0,
                SizeVmcoreInfo = headerVersion >= 3 ? BinaryPrimitives.ReadInt64LittleEndian(b[40..]) : 0,
                OffsetNote = headerVersion >= 4 ? BinaryPrimitives.ReadInt64LittleEndian(b[48..]) : 0,
                SizeNote = headerVersion >= 4 ? BinaryPrimitives.ReadInt64LittleEndian(b[56..]) : 0,
                OffsetEraseInfo = headerVersion >= 5 ? BinaryPrimitives.ReadInt64LittleEndian(b[64..]) : 0,
                SizeEraseInfo = headerVersion >= 5 ? BinaryPrimitives.ReadInt64LittleEndian(b[72..]) : 0,
                MaxMapNr64 = headerVersion >= 6 ? BinaryPrimitives.ReadUInt64LittleEndian(b[96..]) : 0,
            };
        }
        return new KdumpSubHeader
        {
            PhysBase = BinaryPrimitives.ReadInt32LittleEndian(b),
            DumpLevel = headerVersion >= 1 ? BinaryPrimitives.ReadInt32LittleEndian(b[4..]) : -1,
            Split = headerVersion >= 2 && BinaryPrimitives.ReadInt32LittleEndian(b[8..]) != 0,
            StartPfn = headerVersion >= 6 ? BinaryPrimitives.ReadUInt64LittleEndian(b[56..]) : headerVersion >= 2 ? BinaryPrimitives.ReadUInt32LittleEndian(b[12..]) : 0,
            EndPfn = headerVersion >= 6 ? BinaryPrimitives.ReadUInt64LittleEndian(b[64..]) : headerVersion >= 2 ? BinaryPrimitives.ReadUInt32LittleEndian(b[16..]) : 0,
            OffsetVmcoreInfo = headerVersion >= 3 ? BinaryPrimitives.ReadInt64LittleEndian(b[20..]) : 0,
            SizeVmcoreInfo = headerVersion >= 3 ? BinaryPrimitives.ReadUInt32LittleEndian(b[28..]) : 0,
            OffsetNote = headerVersion >= 4 ? BinaryPrimitives.ReadInt64LittleEndian(b[32..]) : 0,
            SizeNote = headerVersion >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(b[40..]) : 0,
            OffsetEraseInfo = headerVersion >= 5 ? BinaryPrimitives.ReadInt64LittleEndian(b[44..]) : 0,
            SizeEraseInfo = headerVersion >= 5 ? BinaryPrimitives.ReadUInt32LittleEndian(b[52..]) : 0,
            MaxMapNr64 = headerVersion >= 6 ? BinaryPrimitives.ReadUInt64LittleEndian(b[72..]) : 0,
        };
    }
}
