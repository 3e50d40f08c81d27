namespace DumpScope.Host.Symbols;

/// <summary>Where a kernel's kallsyms tables lie in memory, and how that was learned.</summary>
/// <param name="NamesAddress">kallsyms_names: the compressed names, one length-prefixed entry per symbol.</param>
/// <param name="Count">kallsyms_num_syms as read from memory.</param>
/// <param name="TokenTableAddress">kallsyms_token_table: 256 NUL-terminated token expansions.</param>
/// <param name="TokenIndexAddress">kallsyms_token_index: 256 u16 offsets into the token table.</param>
/// <param name="AddressTables">
/// Where the addresses may be, most likely first: the layout moved between kernel generations, and the
/// reader keeps the first candidate whose addresses agree with VMCOREINFO.
/// </param>
/// <param name="HowFound">One sentence for dumpinfo: VMCOREINFO, or the search and what it found where.</param>
internal sealed record KallsymsTables(
    ulong NamesAddress,
    uint Count,
    ulong TokenTableAddress,
    ulong TokenIndexAddress,
    IReadOnlyList<KallsymsAddressTable> AddressTables,
    string HowFound);

/// <summary>What an address table holds.</summary>
internal enum KallsymsAddressKind
{
    /// <summary>kallsyms_offsets: one 32-bit value per symbol (CONFIG_KALLSYMS_BASE_RELATIVE, and every kernel since 6.11).</summary>
    Offsets,

    /// <summary>kallsyms_addresses: one 64-bit address per symbol (kernels built without base-relative kallsyms).</summary>
    Addresses,
}

/// <summary>One candidate location of the symbol addresses.</summary>
/// <param name="Address">The first entry.</param>
/// <param name="Kind">32-bit offsets or 64-bit addresses.</param>
/// <param name="RelativeBaseAddress">kallsyms_relative_base, for offsets that are relative to it; null when there is none.</param>
/// <param name="Where">How this candidate was placed, for messages ("before kallsyms_num_syms").</param>
internal sealed record KallsymsAddressTable(ulong Address, KallsymsAddressKind Kind, ulong? RelativeBaseAddress, string Where);
