namespace DumpScope.Host.Arch.X86_64;

/// <summary>One page-table entry met by a walk: the level's name, where the entry is and what it holds.</summary>
/// <param name="Name">The kernel's name for the level: PGD, P4D (5-level only), PUD, PMD or PTE.</param>
/// <param name="EntryAddress">Physical address of the entry.</param>
/// <param name="Value">The entry as read (0 when it could not be read).</param>
/// <param name="Readable">False when the entry itself could not be read from the dump.</param>
public readonly record struct PageTableLevel(string Name, ulong EntryAddress, ulong Value, bool Readable)
{
    /// <summary>The entry's flags in the kernel's words ("PRESENT|RW|ACCESSED|PSE|NX").</summary>
    public string Flags => Readable ? PageTableFlags.Describe(Value, Name == "PTE") : "";
}
