namespace DumpScope.Host.Kernel;

/// <summary>
/// Reads an address as users type it to crash-like commands: hex with or without 0x
/// ("ffffffff9e41aa40"), a symbol ("init_task"), or a symbol plus an offset ("init_task+0x10",
/// "init_task+16": decimal unless 0x). A bare word that is a symbol is a symbol even if it is also hex.
/// </summary>
internal static class KernelAddressParser
{
    /// <summary>Parses <paramref name="text"/>; a <see cref="UsageException"/> says what is wrong.</summary>
    public static ulong Parse(string text, ISymbolTable symbols)
    {
        if (TryParse(text, symbols, out var address, out var problem)) return address;
        throw new UsageException(problem!);
    }

    /// <summary>Parses <paramref name="text"/>; false with the reason when it is neither an address nor a known symbol.</summary>
    public static bool TryParse(string text, ISymbolTable symbols, out ulong address, out string? problem)
    {
        address = 0;
        problem = null;
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            problem = "an address or symbol is required";
            return false;
        }
        int plus = trimmed.IndexOf('+', 1);
        if (plus > 0)
        {
            var baseText = trimmed[..plus];
            var offsetText = trimmed[(plus + 1)..];
            if (!symbols.TryGetAddress(baseText, out var baseAddress) && !TryHex(baseText, out baseAddress))
            {
                problem = $"'{baseText}' is neither a symbol nor a hex address";
                return false;
            }
            if (!TryOffset(offsetText, out var offset))
            {
                problem = $"'{offsetText}' is not an offset (decimal, or hex with 0x)";
                return false;
            }
            address = baseAddress + offset;
            return true;
        }
        if (symbols.TryGetAddress(trimmed, out address)) return true;
        if (TryHex(trimmed, out address)) return true;
        problem = $"'{trimmed}' is neither a symbol nor a hex address";
        return false;
    }

    /// <summary>Parses hex with or without a 0x prefix.</summary>
    public static bool TryHex(string text, out ulong value)
    {
        var t = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        value = 0;
        return t.Length is > 0 and <= 16 && ulong.TryParse(t, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryOffset(string text, out ulong value)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)) return TryHex(text, out value);
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
