namespace DumpScope.Host.Symbols;

/// <summary>
/// Reads a System.map (or a saved /proc/kallsyms: a trailing "[module]" column is ignored): one
/// "ADDRESS TYPE NAME" per line, link-time addresses moved by the KASLR slide.
/// </summary>
internal static class SystemMapReader
{
    /// <summary>Largest file accepted (a System.map is a few MiB).</summary>
    public const long MaxFileSize = 512L << 20;

    /// <summary>Reads <paramref name="path"/>, adding <paramref name="kaslrOffset"/> to kernel-image addresses (from <paramref name="imageStart"/> up).</summary>
    /// <exception cref="InvalidDataException">A line is not "ADDRESS TYPE NAME"; the message names the file, line and offset.</exception>
    public static SymbolTable Read(string path, ulong kaslrOffset, ulong imageStart = SymbolRelocation.KernelImageStart)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        if (stream.Length > MaxFileSize)
            throw new InvalidDataException($"{path}: {stream.Length} bytes; a System.map of at most {MaxFileSize} bytes is accepted");
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
        var symbols = new List<KernelSymbol>(100_000);
        long offset = 0;
        int lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            long lineOffset = offset;
            offset += line.Length + 1;
            if (line.Length == 0) continue;
            if (!TryParse(line, kaslrOffset, imageStart, out var symbol))
            {
                string shown = line.Length > 80 ? line[..80] + "…" : line;
                throw new InvalidDataException(
                    $"{path}: line {lineNumber} (offset {lineOffset}): expected 'ADDRESS TYPE NAME' as in a System.map, found '{shown}'");
            }
            symbols.Add(symbol);
        }
        if (symbols.Count == 0) throw new InvalidDataException($"{path}: offset 0: no symbols; not a System.map");
        return new SymbolTable($"System.map {Path.GetFileName(path)}", symbols);
    }

    private static bool TryParse(string line, ulong kaslrOffset, ulong imageStart, out KernelSymbol symbol)
    {
        symbol = default;
        var span = line.AsSpan();
        int firstSpace = span.IndexOf(' ');
        if (firstSpace <= 0 || firstSpace > 16) return false;
        if (!ulong.TryParse(span[..firstSpace], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var address)) return false;
        var rest = span[(firstSpace + 1)..];
        if (rest.Length < 3 || rest[1] != ' ' || !char.IsAsciiLetter(rest[0])) return false;
        var name = rest[2..];
        int end = name.IndexOfAny(' ', '\t');
        if (end >= 0) name = name[..end];
        if (name.IsEmpty) return false;
        symbol = new KernelSymbol(name.ToString(), SymbolRelocation.Relocate(address, kaslrOffset, imageStart), rest[0]);
        return true;
    }
}
