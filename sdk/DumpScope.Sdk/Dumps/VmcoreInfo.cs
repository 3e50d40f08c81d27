namespace DumpScope.Sdk.Dumps;

/// <summary>
/// The kernel's VMCOREINFO note parsed into typed look-ups: <c>SYMBOL(name)</c>, <c>NUMBER(name)</c>,
/// <c>OFFSET(type.member)</c>, <c>SIZE(type)</c>, <c>LENGTH(name)</c> and plain keys (<c>OSRELEASE</c>…).
/// </summary>
public sealed class VmcoreInfo
{
    /// <summary>Longest note text accepted; the kernel's own buffer is one page.</summary>
    public const int MaxTextLength = 1 << 20;

    private readonly Dictionary<string, string> _entries;

    private VmcoreInfo(string text, Dictionary<string, string> entries)
    {
        Text = text;
        _entries = entries;
    }

    /// <summary>The raw note text.</summary>
    public string Text { get; }

    /// <summary>All entries, key as written (e.g. "SYMBOL(_stext)") to value text.</summary>
    public IReadOnlyDictionary<string, string> Entries => _entries;

    /// <summary>Parses note text; lines without '=' are ignored, NUL padding is dropped.</summary>
    public static VmcoreInfo Parse(string text)
    {
        if (text.Length > MaxTextLength)
            throw new InvalidDataException($"VMCOREINFO text is {text.Length} characters; at most {MaxTextLength} are accepted");
        int nul = text.IndexOf('\0');
        if (nul >= 0) text = text[..nul];
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            int eq = line.IndexOf('=');
            if (eq <= 0) continue;
            entries[line[..eq]] = line[(eq + 1)..];
        }
        return new VmcoreInfo(text, entries);
    }

    /// <summary>A plain entry such as OSRELEASE, or null.</summary>
    public string? this[string key] => _entries.GetValueOrDefault(key);

    /// <summary>OSRELEASE, e.g. "6.1.0-56-cloud-amd64".</summary>
    public string? OsRelease => this["OSRELEASE"];

    /// <summary>BUILD-ID (hex), when present.</summary>
    public string? BuildId => this["BUILD-ID"];

    /// <summary>PAGESIZE, when present.</summary>
    public int? PageSize => int.TryParse(this["PAGESIZE"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    /// <summary>KERNELOFFSET (the KASLR slide), 0 when absent.</summary>
    public ulong KernelOffset => TryHex(this["KERNELOFFSET"], out var v) ? v : 0;

    /// <summary>True when KERNELOFFSET is present.</summary>
    public bool HasKernelOffset => this["KERNELOFFSET"] is not null;

    /// <summary>SYMBOL(name) as an address.</summary>
    public bool TryGetSymbol(string name, out ulong address) => TryHex(this[$"SYMBOL({name})"], out address);

    /// <summary>
    /// NUMBER(name): signed decimal (phys_base may be negative), or hex with a 0x prefix as arm64 writes most of
    /// its numbers (NUMBER(kimage_voffset)=0xffff…: read as the 64-bit pattern, cast to ulong to use).
    /// </summary>
    public bool TryGetNumber(string name, out long value) => TryDec(this[$"NUMBER({name})"], out value);

    /// <summary>OFFSET(type.member).</summary>
    public bool TryGetOffset(string typeDotMember, out long value) => TryDec(this[$"OFFSET({typeDotMember})"], out value);

    /// <summary>SIZE(type).</summary>
    public bool TryGetSize(string type, out long value) => TryDec(this[$"SIZE({type})"], out value);

    /// <summary>LENGTH(name).</summary>
    public bool TryGetLength(string name, out long value) => TryDec(this[$"LENGTH({name})"], out value);

    private static bool TryHex(string? text, out ulong value)
    {
        value = 0;
        if (text is null) return false;
        var t = text.Trim();
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) t = t[2..];
        return ulong.TryParse(t, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryDec(string? text, out long value)
    {
        value = 0;
        if (text is null) return false;
        var t = text.Trim();
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return long.TryParse(t.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        return long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);
    }
}
