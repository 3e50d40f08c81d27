namespace DumpScope.Host.Rendering;

/// <summary>
/// The one way cells become text, for the CLI and the TUI alike: addresses in 16 hex digits, sizes as crash
/// prints them ("4k", "2m", "1g", plain bytes when not a whole multiple), absent values as
/// <c>&lt;unreadable&gt;</c> or, where there is room, <c>&lt;unreadable: why&gt;</c>.
/// </summary>
public static class CellFormatter
{
    /// <summary>How much of an absence reason a table cell shows when it shows one at all.</summary>
    public const int ReasonWidth = 24;

    /// <summary>The cell as a word in an aligned table: absent values without their reason (listed elsewhere).</summary>
    public static string Format(Cell cell) => Format(cell, 0);

    /// <summary>The cell's text; an absence reason is cut to <paramref name="reasonWidth"/> characters (0: left out).</summary>
    public static string Format(Cell cell, int reasonWidth) => cell.Absence switch
    {
        Absence.None => FormatValue(cell),
        // A command may say how a cell that does not apply looks (rd leaves the words past COUNT blank, as crash does).
        Absence.NotApplicable => cell.Display ?? "-",
        _ => reasonWidth <= 0 || string.IsNullOrEmpty(cell.Reason)
            ? $"<{AbsenceWord(cell.Absence)}>"
            : $"<{AbsenceWord(cell.Absence)}: {Shorten(cell.Reason, reasonWidth)}>",
    };

    /// <summary>The cell's whole text, the reason uncut (records, status lines, filtering).</summary>
    public static string FormatFull(Cell cell) => Format(cell, int.MaxValue);

    /// <summary>The word for an absence: "unreadable", "corrupt", "n/a", "-".</summary>
    public static string AbsenceWord(Absence absence) => absence switch
    {
        Absence.Unreadable => "unreadable",
        Absence.Corrupt => "corrupt",
        Absence.NotAvailable => "n/a",
        Absence.NotApplicable => "-",
        _ => "",
    };

    /// <summary>The cell's value as text (empty when it has none).</summary>
    public static string FormatValue(Cell cell)
    {
        if (cell.Display is { } display) return display;
        if (cell.Value is null) return "";
        return cell.Kind switch
        {
            CellKind.Address when TryUnsigned(cell.Value, out var a) => a.ToString("x16", CultureInfo.InvariantCulture),
            CellKind.Hex when TryUnsigned(cell.Value, out var h) => "0x" + h.ToString("x", CultureInfo.InvariantCulture),
            CellKind.Size when TryUnsigned(cell.Value, out var s) => FormatSize(s),
            CellKind.Percent => Convert.ToDouble(cell.Value, CultureInfo.InvariantCulture).ToString("0.0", CultureInfo.InvariantCulture) + "%",
            CellKind.Bool when cell.Value is bool b => b ? "yes" : "no",
            CellKind.List => string.Join(", ", cell.Items.Select(item => Format(item))),
            _ => Convert.ToString(cell.Value, CultureInfo.InvariantCulture) ?? "",
        };
    }

    /// <summary>Bytes as crash prints sizes: "4k", "2m", "1g" for whole multiples, else plain bytes.</summary>
    public static string FormatSize(ulong bytes)
    {
        const ulong K = 1024;
        return bytes >= K * K * K && bytes % (K * K * K) == 0 ? $"{bytes / (K * K * K)}g"
            : bytes >= K * K && bytes % (K * K) == 0 ? $"{bytes / (K * K)}m"
            : bytes >= K && bytes % K == 0 ? $"{bytes / K}k"
            : bytes.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>True for kinds printed right-aligned.</summary>
    public static bool RightAligned(CellKind kind) => kind is CellKind.Integer or CellKind.Size or CellKind.Percent or CellKind.Hex or CellKind.Real;

    /// <summary>Cuts <paramref name="text"/> to <paramref name="width"/> characters, ending with an ellipsis when cut.</summary>
    public static string Shorten(string text, int width)
    {
        if (width <= 0) return "";
        if (text.Length <= width) return text;
        return width == 1 ? "…" : string.Concat(text.AsSpan(0, width - 1), "…");
    }

    private static bool TryUnsigned(object value, out ulong result)
    {
        switch (value)
        {
            case ulong u: result = u; return true;
            case long l: result = unchecked((ulong)l); return true;
            case int i: result = unchecked((ulong)i); return true;
            case uint ui: result = ui; return true;
            default: result = 0; return false;
        }
    }
}
