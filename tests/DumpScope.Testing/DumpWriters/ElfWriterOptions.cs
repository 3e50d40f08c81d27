namespace DumpScope.Testing.DumpWriters;

/// <summary>How <see cref="DumpWriter.WriteElf"/> lays out an ELF core.</summary>
public sealed record ElfWriterOptions
{
    /// <summary>p_vaddr = 0 on every PT_LOAD (QEMU dump-guest-memory with paging off).</summary>
    public bool QemuStyle { get; init; }

    /// <summary>Virtual base for p_vaddr of RAM segments (direct map) when not QEMU style.</summary>
    public ulong DirectMapBase { get; init; } = 0xffff888000000000UL;

    /// <summary>
    /// Also describe this physical range again through a second PT_LOAD (as /proc/vmcore does for kernel
    /// text), so physical ranges overlap. (start pfn, page count).
    /// </summary>
    public (ulong StartPfn, ulong Pages)? AliasRange { get; init; }

    /// <summary>Write e_phnum = PN_XNUM (0xffff) and the real count in section header 0's sh_info.</summary>
    public bool UseExtendedPhnum { get; init; }
}
