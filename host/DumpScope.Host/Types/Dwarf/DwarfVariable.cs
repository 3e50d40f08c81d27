namespace DumpScope.Host.Types.Dwarf;

/// <summary>A global variable with a static address in the DWARF (DW_TAG_variable at unit level located by DW_OP_addr).</summary>
/// <param name="Name">Its name.</param>
/// <param name="LinkAddress">Its address as linked (before the KASLR slide; per-cpu variables hold their offset in the per-cpu area).</param>
/// <param name="IsExternal">True for a global (DW_AT_external), false for a file-static variable.</param>
public sealed record DwarfVariable(string Name, ulong LinkAddress, bool IsExternal);
