namespace DumpScope.Sdk.Dumps;

/// <summary>
/// A dump file shorter than its own headers describe (a copy cut short, a disk that filled up while
/// makedumpfile wrote): found once at open, from the headers alone. Pages whose data lies past the end
/// read as <see cref="PageState.Truncated"/>; everything before the end reads normally.
/// </summary>
/// <param name="FileSize">Bytes in the file on disk.</param>
/// <param name="DescribedSize">
/// Bytes the headers describe (the end of the furthest page data, page_desc table or PT_LOAD range found);
/// a lower bound when the part of the file that would say more is itself missing.
/// </param>
/// <param name="Detail">Which header structure runs past the end, with its file offset.</param>
public sealed record DumpTruncation(long FileSize, long DescribedSize, string Detail)
{
    /// <summary>One line for the user: "dump truncated: file is 8.4 MB, the header describes 16.9 MB; pages past the end are missing".</summary>
    public string Message =>
        $"dump truncated: file is {FormatSize(FileSize)}, the header describes {FormatSize(DescribedSize)}; pages past the end are missing";

    /// <summary>Decimal units with one decimal (as ls -lh --si and file managers print sizes).</summary>
    public static string FormatSize(long bytes)
    {
        var inv = CultureInfo.InvariantCulture;
        if (bytes < 1000) return bytes.ToString(inv) + " bytes";
        string[] units = ["kB", "MB", "GB", "TB", "PB", "EB"];
        double value = bytes;
        int unit = -1;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }
        return value.ToString("0.0", inv) + " " + units[unit];
    }
}
