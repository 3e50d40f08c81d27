namespace DumpScope.Sdk.Linux.Fs;

/// <summary>The file-type bits of <c>inode.i_mode</c> (include/uapi/linux/stat.h S_IFMT) as crash names them.</summary>
public static class InodeModes
{
    /// <summary>S_IFMT.</summary>
    public const uint TypeMask = 0xf000;

    /// <summary>S_IFBLK.</summary>
    public const uint Block = 0x6000;

    /// <summary>S_IFCHR.</summary>
    public const uint Char = 0x2000;

    /// <summary>S_IFSOCK.</summary>
    public const uint Socket = 0xc000;

    /// <summary>"REG", "DIR", "CHR", "BLK", "FIFO", "SOCK", "LNK", or "?" for a mode with no valid type.</summary>
    public static string TypeName(uint mode) => (mode & TypeMask) switch
    {
        0x8000 => "REG",
        0x4000 => "DIR",
        0x2000 => "CHR",
        0x6000 => "BLK",
        0x1000 => "FIFO",
        0xc000 => "SOCK",
        0xa000 => "LNK",
        _ => "?",
    };
}
