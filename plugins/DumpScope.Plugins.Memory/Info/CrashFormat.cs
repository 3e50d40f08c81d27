namespace DumpScope.Plugins.Memory.Info;

/// <summary>Human formats crash uses in <c>sys</c>.</summary>
public static class CrashFormat
{
    /// <summary>Bytes as "511.5 MB", "1 GB", "512 KB" (one decimal, dropped when zero).</summary>
    public static string Size(ulong bytes)
    {
        string[] units = ["bytes", "KB", "MB", "GB", "TB"];
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        if (unit == 0) return $"{bytes} bytes";
        var text = value.ToString("0.0", CultureInfo.InvariantCulture);
        if (text.EndsWith(".0", StringComparison.Ordinal)) text = text[..^2];
        return $"{text} {units[unit]}";
    }

    /// <summary>A duration as crash's uptime: "00:00:12", "3 days, 04:05:06".</summary>
    public static string Uptime(TimeSpan span)
    {
        var clock = string.Create(CultureInfo.InvariantCulture, $"{span.Hours:D2}:{span.Minutes:D2}:{span.Seconds:D2}");
        return span.Days > 0 ? $"{span.Days} day{(span.Days == 1 ? "" : "s")}, {clock}" : clock;
    }

    /// <summary>A UTC time as date(1) prints it: "Sun Nov 29 00:48:49 UTC 2026".</summary>
    public static string Date(DateTimeOffset utc) =>
        utc.UtcDateTime.ToString("ddd MMM ", CultureInfo.InvariantCulture)
        + utc.UtcDateTime.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2)
        + utc.UtcDateTime.ToString(" HH:mm:ss 'UTC' yyyy", CultureInfo.InvariantCulture);
}
