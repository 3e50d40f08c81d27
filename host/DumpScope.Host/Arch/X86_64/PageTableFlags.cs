namespace DumpScope.Host.Arch.X86_64;

/// <summary>x86-64 page-table entry bits, named as the kernel names them (_PAGE_BIT_*).</summary>
public static class PageTableFlags
{
    /// <summary>_PAGE_PRESENT.</summary>
    public const ulong Present = 1UL << 0;
    /// <summary>_PAGE_RW.</summary>
    public const ulong ReadWrite = 1UL << 1;
    /// <summary>_PAGE_USER.</summary>
    public const ulong User = 1UL << 2;
    /// <summary>_PAGE_PWT.</summary>
    public const ulong WriteThrough = 1UL << 3;
    /// <summary>_PAGE_PCD.</summary>
    public const ulong CacheDisabled = 1UL << 4;
    /// <summary>_PAGE_ACCESSED.</summary>
    public const ulong Accessed = 1UL << 5;
    /// <summary>_PAGE_DIRTY.</summary>
    public const ulong Dirty = 1UL << 6;
    /// <summary>_PAGE_PSE: a large page at PUD (1 GiB) or PMD (2 MiB) level.</summary>
    public const ulong PageSizeExtension = 1UL << 7;
    /// <summary>_PAGE_GLOBAL.</summary>
    public const ulong Global = 1UL << 8;
    /// <summary>_PAGE_NX.</summary>
    public const ulong NoExecute = 1UL << 63;

    /// <summary>Physical-address bits of an entry pointing to a table or a 4 KiB page (bits 12–51).</summary>
    public const ulong AddressMask4K = 0x000f_ffff_ffff_f000UL;
    /// <summary>Physical-address bits of a 2 MiB page entry (bit 12 is PAT there).</summary>
    public const ulong AddressMask2M = 0x000f_ffff_ffe0_0000UL;
    /// <summary>Physical-address bits of a 1 GiB page entry.</summary>
    public const ulong AddressMask1G = 0x000f_ffff_c000_0000UL;

    private static readonly (ulong Bit, string Name)[] Names =
    [
        (Present, "PRESENT"), (ReadWrite, "RW"), (User, "USER"), (WriteThrough, "PWT"), (CacheDisabled, "PCD"),
        (Accessed, "ACCESSED"), (Dirty, "DIRTY"), (PageSizeExtension, "PSE"), (Global, "GLOBAL"), (NoExecute, "NX"),
    ];

    /// <summary>
    /// The set bits of an entry as "PRESENT|RW|…"; "(none)" for an empty entry. In a PTE bit 7 is PAT, not PSE.
    /// </summary>
    public static string Describe(ulong entry, bool isPte = false)
    {
        var text = new StringBuilder();
        foreach (var (bit, name) in Names)
        {
            if ((entry & bit) == 0) continue;
            if (text.Length > 0) text.Append('|');
            text.Append(isPte && bit == PageSizeExtension ? "PAT" : name);
        }
        return text.Length == 0 ? "(none)" : text.ToString();
    }
}
