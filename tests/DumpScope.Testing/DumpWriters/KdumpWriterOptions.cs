namespace DumpScope.Testing.DumpWriters;

/// <summary>How <see cref="DumpWriter.WriteKdump"/> lays out a kdump-compressed file.</summary>
public sealed record KdumpWriterOptions
{
    /// <summary>Page codec (pages that do not shrink are stored uncompressed, as makedumpfile does).</summary>
    public TestPageCodec Codec { get; init; } = TestPageCodec.Zlib;

    /// <summary>disk_dump_header.header_version (1–6 and beyond; fields appear as the version grows).</summary>
    public int HeaderVersion { get; init; } = 6;

    /// <summary>Write the 32-bit header and sub-header layout (utsname.machine "i686").</summary>
    public bool Header32Bit { get; init; }

    /// <summary>"KDUMP   " or "DISKDUMP".</summary>
    public string Signature { get; init; } = "KDUMP   ";

    /// <summary>Like QEMU: empty utsname except machine, and every all-zero page shares one stored zero page.</summary>
    public bool QemuStyle { get; init; }

    /// <summary>makedumpfile dump_level written in the sub-header.</summary>
    public int DumpLevel { get; init; } = 31;

    /// <summary>phys_base written in the sub-header.</summary>
    public long PhysBase { get; init; }

    /// <summary>Extra status flags OR-ed into the header (e.g. 0x8, incomplete).</summary>
    public uint ExtraStatus { get; init; }

    /// <summary>Use LZO literal runs only (no matches).</summary>
    public bool LzoLiteralOnly { get; init; }
}
