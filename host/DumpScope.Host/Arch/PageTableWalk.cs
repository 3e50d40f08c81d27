namespace DumpScope.Host.Arch;

/// <summary>
/// The full story of one translation through the page tables, for <c>vtop</c>: every entry read, the size of
/// the page that maps the address and the physical address, or the fault that stopped the walk.
/// </summary>
/// <param name="VirtualAddress">The address translated.</param>
/// <param name="Root">Physical address of the top-level table the walk started from.</param>
/// <param name="Levels">The entries read, top level first; stops at the level that failed or mapped a page.</param>
/// <param name="PageSize">Size of the mapping page (x86-64: 4 KiB, 2 MiB, 1 GiB; arm64: the granule or a block); 0 on fault.</param>
/// <param name="PhysicalAddress">The translation; valid when <see cref="Fault"/> is null.</param>
/// <param name="Fault">Why there is no translation, or null.</param>
public sealed record PageTableWalk(ulong VirtualAddress, ulong Root, IReadOnlyList<PageTableLevel> Levels, ulong PageSize, ulong PhysicalAddress, MemoryFault? Fault)
{
    /// <summary>True when the address translated.</summary>
    public bool Success => Fault is null;

    /// <summary>
    /// arm64: the size of the contiguous run (PTE_CONT) the mapping entry belongs to, e.g. 16 × 4 KiB; 0 when the
    /// entry is not part of one (and always on x86-64).
    /// </summary>
    public ulong ContiguousSize { get; init; }
}
