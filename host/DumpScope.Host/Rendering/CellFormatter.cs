using System.Globalization;
using DumpScope.Sdk.Commands;

namespace DumpScope.Host.Rendering;

/// <summary>Formats cells as text, crash's way (addresses in 16 hex digits, sizes as 4k/2m).</summary>
public static class CellFormatter
{
    /// <summary>The cell as text; absent values as a bracketed word (the reason is listed separately).</summary>
    public static string Format(Cell cell) => cell.Absence switch
    {
        Absence.None => FormatValue(cell),
        Absence.Unreadable => "[unreadable]",
        Absence.Corrupt => "[corrupt]",
        Absence.NotApplicable => "-",
        Absence.NotAvailable => "[n/a]",
        _ => "?",
    };

    /// <summary>The cell's value as text.</summary>
    public static string FormatValue(Cell cell) => cell.Kind switch
    {
        CellKind.Address => cell.Value is ulong a ? a.ToString("x16", CultureInfo.InvariantCulture) : Convert.ToString(cell.Value, CultureInfo.InvariantCulture) ?? "",
        CellKind.Hex => $"0x{Convert.ToUInt64(cell.Value, CultureInfo.InvariantCulture):x}",
        CellKind.Size => FormatSize(Convert.ToUInt64(cell.Value, CultureInfo.InvariantCulture)),
        CellKind.Percent => Convert.ToDouble(cell.Value, CultureInfo.InvariantCulture).ToString("0.0", CultureInfo.InvariantCulture) + "%",
        CellKind.Bool => cell.Value is true ? "yes" : "no",
        _ => Convert.ToString(cell.Value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Bytes as crash prints slab sizes: "4k", "2m", or plain bytes when not a multiple of 1 KiB.</summary>
    public static string FormatSize(ulong bytes) =>
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? $"{bytes >> 20}m"
        : bytes >= 1024 && bytes % 1024 == 0 ? $"{bytes >> 10}k"
        : bytes.ToString(CultureInfo.InvariantCulture);

    /// <summary>True for kinds printed right-aligned.</summary>
    public static bool RightAligned(CellKind kind) => kind is CellKind.Integer or CellKind.Size or CellKind.Percent or CellKind.Hex;
}
