namespace DumpScope.Sdk.Commands;

/// <summary>Parsing helpers for command arguments, with crash's conventions.</summary>
public static class Arguments
{
    /// <summary>True when the text is an address: hex digits with an optional 0x prefix (crash reads addresses as hex).</summary>
    public static bool TryParseAddress(string text, out ulong address)
    {
        var t = text.Trim();
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) t = t[2..];
        return ulong.TryParse(t, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out address) && t.Length > 0;
    }

    /// <summary>Parses an address or throws a <see cref="UsageException"/> naming the argument.</summary>
    public static ulong ParseAddress(string text, string what = "address") =>
        TryParseAddress(text, out var address) ? address : throw new UsageException($"{what}: '{text}' is not a hexadecimal address");

    /// <summary>Parses a count: decimal, or hex with 0x.</summary>
    public static bool TryParseNumber(string text, out ulong value)
    {
        var t = text.Trim();
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return ulong.TryParse(t[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        return ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
