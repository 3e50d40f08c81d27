namespace DumpScope.Host.Types.Dwarf;

/// <summary>
/// Malformed DWARF: an <see cref="InvalidDataException"/> whose message names the file, the section and the
/// offset within it (the offsets llvm-dwarfdump and readelf print), and what was expected there.
/// </summary>
internal static class DwarfError
{
    /// <summary>The exception for a problem at an offset of a section.</summary>
    public static InvalidDataException At(string file, string section, long offset, string problem) =>
        new($"{file}: {section} offset 0x{offset:x}: {problem}");

    /// <summary>The exception for a problem in the ELF container at a file offset.</summary>
    public static InvalidDataException InFile(string file, long offset, string problem) =>
        new($"{file}: file offset 0x{offset:x}: {problem}");
}
