namespace DumpScope.Host.Symbols;

/// <summary>
/// A symbol file (System.map, vmlinux) does not belong to the dumped kernel. Refused unless the user forces
/// it; the message lists what differs.
/// </summary>
public sealed class SymbolMismatchException : Exception
{
    /// <summary>Creates the exception for a file and its differences.</summary>
    public SymbolMismatchException(string path, IReadOnlyList<string> differences)
        : base($"{path} does not match the dump: {string.Join("; ", differences)}. Use --force to load it anyway.")
    {
        FilePath = path;
        Differences = differences;
    }

    /// <summary>The refused file.</summary>
    public string FilePath { get; }

    /// <summary>What differs, one entry per check that failed.</summary>
    public IReadOnlyList<string> Differences { get; }
}
