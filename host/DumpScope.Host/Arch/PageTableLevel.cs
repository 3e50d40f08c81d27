namespace DumpScope.Host.Arch;

/// <summary>One page-table entry met by a walk: the level's name, where the entry is and what it holds.</summary>
/// <param name="Name">The kernel's name for the level: PGD, P4D, PUD, PMD or PTE (arm64 levels are named as the kernel folds them).</param>
/// <param name="EntryAddress">Physical address of the entry.</param>
/// <param name="Value">The entry as read (0 when it could not be read).</param>
/// <param name="Readable">False when the entry itself could not be read from the dump.</param>
public readonly record struct PageTableLevel(string Name, ulong EntryAddress, ulong Value, bool Readable)
{
    /// <summary>The entry's flags in the kernel's words ("PRESENT|RW|ACCESSED|PSE|NX", "VALID|TABLE", "VALID|BLOCK|AF|CONT").</summary>
    public string Flags { get; init; } = "";

    /// <summary>True when the entry is present (x86-64 _PAGE_PRESENT, arm64 descriptor bit 0).</summary>
    public bool Valid { get; init; }

    /// <summary>The address the entry holds: the next table's, or the mapped page's (block's) start.</summary>
    public ulong NextAddress { get; init; }
}
