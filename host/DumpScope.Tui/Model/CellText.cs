using System.Globalization;
using DumpScope.Sdk.Commands;

namespace DumpScope.Tui.Model;

/// <summary>Formats typed cells for the screen: addresses as 16 hex digits, absent values with their reason.</summary>
internal static class CellText
{
    /// <summary>How much of an absence reason a table cell shows; the status line shows the whole reason.</summary>
    public const int ReasonWidth = 24;

    /// <summary>The text of a cell as a table shows it; absence reasons are cut to <paramref name="reasonWidth"/>.</summary>
    public static string Format(Cell cell, int reasonWidth = ReasonWidth) => cell.Absence switch
    {
        Absence.None => FormatValue(cell.Kind, cell.Value),
        Absence.Unreadable => Absent("unreadable", cell.Reason, reasonWidth),
        Absence.Corrupt => Absent("corrupt", cell.Reason, reasonWidth),
        Absence.NotAvailable => Absent("n/a", cell.Reason, reasonWidth),
        Absence.NotApplicable => "-",
        _ => Absent(cell.Absence.ToString().ToLowerInvariant(), cell.Reason, reasonWidth),
    };

    /// <summary>The whole text of a cell, reason uncut (for the status line and filtering).</summary>
    public static string FormatFull(Cell cell) => Format(cell, int.MaxValue);

    /// <summary>True for kinds that read best right-aligned.</summary>
    public static bool IsNumeric(CellKind kind) =>
        kind is CellKind.Integer or CellKind.Size or CellKind.Percent or CellKind.Hex;

    /// <summary>Cuts <paramref name="text"/> to <paramref name="width"/> characters, ending with an ellipsis when cut.</summary>
    public static string Shorten(string text, int width)
    {
        if (width <= 0)
            return "";
        if (text.Length <= width)
            return text;
        return width == 1 ? "…" : string.Concat(text.AsSpan(0, width - 1), "…");
    }

    private static string Absent(string what, string? reason, int reasonWidth) =>
        string.IsNullOrEmpty(reason) ? $"<{what}>" : $"<{what}: {Shorten(reason, reasonWidth)}>";

    private static string FormatValue(CellKind kind, object? value)
    {
        if (value is null)
            return "";
        return kind switch
        {
            CellKind.Address when TryUnsigned(value, out var a) => a.ToString("x16", CultureInfo.InvariantCulture),
            CellKind.Hex when TryUnsigned(value, out var h) => "0x" + h.ToString("x", CultureInfo.InvariantCulture),
            CellKind.Size when TryUnsigned(value, out var s) => FormatSize(s),
            CellKind.Percent when value is double d => d.ToString("0.0", CultureInfo.InvariantCulture) + "%",
            CellKind.Bool when value is bool b => b ? "yes" : "no",
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };
    }

    /// <summary>crash's style: whole kilobytes / megabytes / gigabytes get a suffix, anything else stays exact.</summary>
    private static string FormatSize(ulong bytes)
    {
        const ulong K = 1024;
        if (bytes >= K * K * K && bytes % (K * K * K) == 0)
            return (bytes / (K * K * K)).ToString(CultureInfo.InvariantCulture) + "g";
        if (bytes >= K * K && bytes % (K * K) == 0)
            return (bytes / (K * K)).ToString(CultureInfo.InvariantCulture) + "m";
        if (bytes >= K && bytes % K == 0)
            return (bytes / K).ToString(CultureInfo.InvariantCulture) + "k";
        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    private static bool TryUnsigned(object value, out ulong result)
    {
        switch (value)
        {
            case ulong u:
                result = u;
                return true;
            case long l:
                result = unchecked((ulong)l);
                return true;
            case int i:
                result = unchecked((ulong)i);
                return true;
            case uint ui:
                result = ui;
                return true;
            default:
                result = 0;
                return false;
        }
    }
}
