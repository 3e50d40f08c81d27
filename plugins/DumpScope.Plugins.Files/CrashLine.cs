namespace DumpScope.Plugins.Files;

/// <summary>
/// Builds one line of crash's fixed-column output: crash pads each field to the column where the next one starts
/// (a longer value pushes the rest right by what it overflows, at least one space stays between fields).
/// </summary>
internal sealed class CrashLine
{
    private readonly StringBuilder _text = new();

    /// <summary>Appends <paramref name="value"/> and pads the line to <paramref name="column"/> (one space at least).</summary>
    public CrashLine To(string value, int column)
    {
        _text.Append(value);
        _text.Append(' ', Math.Max(1, column - _text.Length));
        return this;
    }

    /// <summary>Appends text as is.</summary>
    public CrashLine Add(string value)
    {
        _text.Append(value);
        return this;
    }

    /// <inheritdoc/>
    public override string ToString() => _text.ToString();

    /// <summary>A 64-bit address as crash prints it: 16 lower-case hex digits.</summary>
    public static string Hex(ulong value) => value.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary><paramref name="text"/> centred in <paramref name="width"/> columns (crash's "(none)").</summary>
    public static string Centred(string text, int width)
    {
        int left = Math.Max(0, (width - text.Length) / 2);
        return new string(' ', left) + text + new string(' ', Math.Max(0, width - text.Length - left));
    }
}
