namespace DumpScope.Host.Types.Dwarf;

/// <summary>The attributes this reader interprets (DWARF 5 §7.5.4); other values pass through as numbers.</summary>
internal enum DwarfAttribute : ushort
{
    Sibling = 0x01,
    Location = 0x02,
    Name = 0x03,
    ByteSize = 0x0b,
    BitOffset = 0x0c,
    BitSize = 0x0d,
    StmtList = 0x10,
    CompDir = 0x1b,
    ConstValue = 0x1c,
    LowerBound = 0x22,
    UpperBound = 0x2f,
    AbstractOrigin = 0x31,
    Count = 0x37,
    DataMemberLocation = 0x38,
    Declaration = 0x3c,
    Encoding = 0x3e,
    External = 0x3f,
    Specification = 0x47,
    Type = 0x49,
    DataBitOffset = 0x6b,
    StrOffsetsBase = 0x72,
    AddrBase = 0x73,
    GnuAddrBase = 0x2133,
}
