namespace DumpScope.Host.Arch.Arm64;

/// <summary>
/// VMSAv8-64 stage-1 descriptor bits as arch/arm64/include/asm/pgtable-hwdef.h names them, and the decoding of
/// output addresses for each granule: bits 47:PAGE_SHIFT, with PA bits 51:48 in bits 15:12 on 64K granules
/// (FEAT_LPA, CONFIG_ARM64_PA_BITS_52: PTE_ADDR_HIGH 0xf &lt;&lt; 12) and, under FEAT_LPA2 (4K/16K), bits 49:PAGE_SHIFT
/// plus PA bits 51:50 in bits 9:8 (PTE_ADDR_HIGH 0x3 &lt;&lt; 8).
/// </summary>
public static class Arm64Descriptor
{
    /// <summary>PTE_VALID: bit 0.</summary>
    public const ulong Valid = 1UL << 0;
    /// <summary>PMD_TABLE_BIT / PTE_TABLE_BIT: bit 1 (table at levels 0–2, page at level 3; clear = block).</summary>
    public const ulong TableOrPage = 1UL << 1;
    /// <summary>PTE_USER: AP[1].</summary>
    public const ulong User = 1UL << 6;
    /// <summary>PTE_RDONLY: AP[2].</summary>
    public const ulong ReadOnly = 1UL << 7;
    /// <summary>PTE_AF: the access flag.</summary>
    public const ulong AccessFlag = 1UL << 10;
    /// <summary>PTE_NG: not global.</summary>
    public const ulong NotGlobal = 1UL << 11;
    /// <summary>PTE_DBM: dirty bit management.</summary>
    public const ulong DirtyBitManagement = 1UL << 51;
    /// <summary>PTE_CONT: one of a naturally aligned run of entries mapping contiguous memory.</summary>
    public const ulong Contiguous = 1UL << 52;
    /// <summary>PTE_PXN: privileged execute-never.</summary>
    public const ulong PrivilegedExecuteNever = 1UL << 53;
    /// <summary>PTE_UXN: user execute-never.</summary>
    public const ulong UserExecuteNever = 1UL << 54;

    /// <summary>The output (next-table or page/block) address an entry holds, before clearing the bits below a block's size.</summary>
    public static ulong OutputAddress(ulong entry, int pageShift, bool lpa2)
    {
        if (pageShift == 16)
            return (entry & Bits(47, 16)) | (((entry >> 12) & 0xf) << 48);
        if (lpa2)
            return (entry & Bits(49, pageShift)) | (((entry >> 8) & 0x3) << 50);
        return entry & Bits(47, pageShift);
    }

    /// <summary>Entries in one contiguous run (CONT_PTES / CONT_PMDS) at level 3 or 2 for a granule; 0 elsewhere.</summary>
    public static int ContiguousEntries(int pageShift, int level) => (pageShift, level) switch
    {
        (12, 3) or (12, 2) => 16,
        (14, 3) => 128,
        (14, 2) => 32,
        (16, 3) or (16, 2) => 32,
        _ => 0,
    };

    /// <summary>
    /// The entry's bits in the kernel's words: VALID, TABLE/BLOCK/PAGE, then for blocks and pages USER, RDONLY,
    /// SH, AF, NG, DBM, CONT, PXN, UXN and the memory-attribute index; for tables the hierarchical PXN/UXN/AP/NS.
    /// </summary>
    public static string Describe(ulong entry, int level, bool lpa2)
    {
        if ((entry & Valid) == 0) return entry == 0 ? "(none)" : "INVALID";
        var parts = new List<string> { "VALID" };
        bool table = (entry & TableOrPage) != 0;
        if (level < 3 && table)
        {
            parts.Add("TABLE");
            if ((entry & (1UL << 59)) != 0) parts.Add("PXNTABLE");
            if ((entry & (1UL << 60)) != 0) parts.Add("UXNTABLE");
            if (((entry >> 61) & 3) != 0) parts.Add($"APTABLE={(entry >> 61) & 3}");
            if ((entry & (1UL << 63)) != 0) parts.Add("NSTABLE");
            return string.Join('|', parts);
        }
        parts.Add(level == 3 ? (table ? "PAGE" : "RESERVED") : "BLOCK");
        parts.Add($"ATTR={(entry >> 2) & 7}");
        if ((entry & User) != 0) parts.Add("USER");
        if ((entry & ReadOnly) != 0) parts.Add("RDONLY");
        if (!lpa2 && ((entry >> 8) & 3) is var sh && sh != 0) parts.Add(sh switch { 3 => "SH=INNER", 2 => "SH=OUTER", _ => "SH=1" });
        if ((entry & AccessFlag) != 0) parts.Add("AF");
        if ((entry & NotGlobal) != 0) parts.Add("NG");
        if ((entry & DirtyBitManagement) != 0) parts.Add("DBM");
        if ((entry & Contiguous) != 0) parts.Add("CONT");
        if ((entry & PrivilegedExecuteNever) != 0) parts.Add("PXN");
        if ((entry & UserExecuteNever) != 0) parts.Add("UXN");
        return string.Join('|', parts);
    }

    private static ulong Bits(int high, int low) => (high == 63 ? ulong.MaxValue : (1UL << (high + 1)) - 1) & ~((1UL << low) - 1);
}
